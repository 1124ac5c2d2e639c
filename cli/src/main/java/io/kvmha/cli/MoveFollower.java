package io.kvmha.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/**
 * Follows a drain or a migration on the failover service. The scheduler plans the moves and publishes them;
 * the failover service picks them up (via Kafka, so a moment later) as a new entry of
 * {@code GET /api/v1/drains?hostId=|vmId=}, which is told apart from older ones by its id.
 */
final class MoveFollower {

    /** Move statuses after which nothing more happens to the move; the first three mean the VM moved (or had nothing to move). */
    static final Set<String> SUCCEEDED = Set.of("MIGRATED", "RESTARTED", "NOT_RUNNING");
    static final Set<String> SETTLED = Set.of("MIGRATED", "RESTARTED", "NOT_RUNNING", "ABORTED", "FAILED");

    /** How long the failover service may take to pick up the scheduler's plan. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final KvmhaCli cli;
    private final CommandSpec spec;
    private final String query;

    /** @param query {@code hostId=h1} or {@code vmId=...}: which drains are this operation's */
    MoveFollower(KvmhaCli cli, CommandSpec spec, String query) {
        this.cli = cli;
        this.spec = spec;
        this.query = query;
    }

    /** The ids of the drains that exist before the operation starts. */
    Set<String> existing() {
        Set<String> ids = new HashSet<>();
        cli.failover().get("/api/v1/drains?" + query).forEach(d -> ids.add(d.path("drainId").asString()));
        return ids;
    }

    /**
     * Waits for the operation's drain to appear, then shows its progress until every move is settled.
     *
     * @param what           the bar's label and for messages: "drain h1", "migrate web"
     * @param percentOfOneVm a migration's bar is its one VM's progress in percent; a drain's is VMs moved
     * @return the finished drain
     */
    JsonNode follow(String what, Set<String> before, boolean percentOfOneVm, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        // It shows up within a second or so; much longer means the failover service is not taking placements.
        Duration toStart = timeout.compareTo(START_TIMEOUT) < 0 ? timeout : START_TIMEOUT;
        JsonNode created;
        try {
            created = Waiter.until(what + " to start on the failover service", () -> newest(before),
                    drain -> !drain.isMissingNode(), drain -> { }, toStart);
        } catch (CliException e) {
            if (e.exitCode() != ExitCode.WAIT_TIMEOUT) {
                throw e;
            }
            throw new CliException(e.exitCode(), what + ": the scheduler planned it, but the failover service "
                    + "did not start it within " + toStart.toSeconds() + " s: is it running and consuming "
                    + "kvmha.placements? Look at " + cli.failoverUrl + "/api/v1/drains?" + query);
        }
        String path = "/api/v1/drains/" + created.path("drainId").asString();
        ProgressBar bar = cli.progressBar(spec);
        Duration left = Duration.between(Instant.now(), deadline);
        JsonNode done = Waiter.until(what, () -> cli.failover().get(path), drain -> drain.path("done").asBoolean(),
                drain -> show(bar, what, drain, percentOfOneVm), left.isNegative() ? Duration.ZERO : left);
        bar.finish();
        return done;
    }

    private JsonNode newest(Set<String> before) {
        for (JsonNode drain : cli.failover().get("/api/v1/drains?" + query)) {
            if (!before.contains(drain.path("drainId").asString())) {
                return drain;
            }
        }
        return cli.failover().json().missingNode();
    }

    private static void show(ProgressBar bar, String what, JsonNode drain, boolean percentOfOneVm) {
        JsonNode moves = drain.path("moves");
        if (percentOfOneVm && moves.size() == 1) {
            JsonNode move = moves.get(0);
            String status = move.path("status").asString();
            long percent = SETTLED.contains(status) ? 100 : move.path("progressPercent").asLong(0);
            bar.update(what, percent, 100, "%", status + " " + move.path("sourceHostId").asString("?") + " -> "
                    + move.path("targetHostId").asString("?"));
            return;
        }
        Map<String, Integer> byStatus = new TreeMap<>();
        long settled = 0;
        for (JsonNode move : moves) {
            String status = move.path("status").asString();
            byStatus.merge(status, 1, Integer::sum);
            if (SETTLED.contains(status)) {
                settled++;
            }
        }
        bar.update(what, settled, moves.size(), "VMs settled", byStatus.toString().replaceAll("[{}]", ""));
    }

    /** Every move ended with its VM moved (live or cold), or with nothing to move. */
    static boolean succeeded(JsonNode drain) {
        for (JsonNode move : drain.path("moves")) {
            if (!SUCCEEDED.contains(move.path("status").asString())) {
                return false;
            }
        }
        return true;
    }

    /** The drain as JSON, or its moves as a table. */
    static void print(Printer printer, JsonNode drain) {
        printer.result(drain, () -> {
            printer.line(drain.path("kind").asString("DRAIN").toLowerCase() + " " + drain.path("drainId").asString()
                    + " of host " + drain.path("hostId").asString() + ": " + (succeeded(drain) ? "done" : "NOT complete"));
            printer.table(drain.path("moves"), "vmId", "sourceHostId", "targetHostId", "status", "detail");
        });
    }
}
