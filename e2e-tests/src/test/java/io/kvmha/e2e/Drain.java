package io.kvmha.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Scenario 2, shared by the e2e test and the testbed-drain benchmark: drain a host with one call to the scheduler,
 * follow the drain on the failover service until every move settled, then read each VM's downtime from the
 * destination's libvirt (the completed migration job) and check that each guest's counter went on.
 */
public final class Drain {

    /** One VM's move: where it went, how it ended, its downtime and whether its counter continued. */
    public record Move(String vmId, String target, String status, Long downtimeMs, boolean counterContinued) {
    }

    public record Outcome(String hostId, double totalS, List<Move> moves) {

        public long maxDowntimeMs() {
            return moves.stream().mapToLong(m -> m.downtimeMs() == null ? 0 : m.downtimeMs()).max().orElse(0);
        }

        public boolean allMigrated() {
            return moves.stream().allMatch(m -> m.status().equals("MIGRATED"));
        }

        public String describe() {
            return String.format(java.util.Locale.ROOT, "host %s drained of %d VMs in %.2f s; %s; max guest downtime %d ms",
                    hostId, moves.size(), totalS, moves.stream().map(m -> m.status() + "->" + m.target()
                            + (m.downtimeMs() == null ? "" : " " + m.downtimeMs() + " ms")
                            + (m.counterContinued() ? " counter continued" : " COUNTER RESTARTED")).toList(), maxDowntimeMs());
        }
    }

    private static final Pattern DOWNTIME = Pattern.compile("Total downtime:\\s+(\\d+)\\s+ms");

    private Drain() {
    }

    public static Outcome run(Testbed testbed, ControlPlane plane, LibvirtSampler sampler, String host) throws IOException {
        Map<String, Long> countersBefore = new TreeMap<>();
        for (Map.Entry<String, java.util.Set<String>> e : sampler.latest().entrySet()) {
            if (e.getValue().contains(host)) {
                countersBefore.put(e.getKey(), SerialCounter.last(testbed.serialLog(e.getKey())));
            }
        }
        Instant started = Instant.now();
        plane.post(Testbed.SCHEDULER + "/api/v1/hosts/" + host + "/drain", null, 200);
        JsonNode drain = await("drain of " + host + " finished").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> latestDrain(plane, host, started), d -> d != null && d.path("done").asBoolean());
        double totalS = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        List<Move> moves = new ArrayList<>();
        for (JsonNode move : drain.path("moves")) {
            String vm = move.path("vmId").asString();
            String target = move.path("targetHostId").asString();
            Long downtime = move.path("status").asString().equals("MIGRATED") ? downtimeMs(testbed, target, vm) : null;
            long before = countersBefore.getOrDefault(vm, 0L);
            boolean continued = SerialCounter.last(testbed.serialLog(vm)) > before
                    && SerialCounter.continuous(SerialCounter.values(testbed.serialLog(vm)), 0);
            moves.add(new Move(vm, target, move.path("status").asString(), downtime, continued));
        }
        return new Outcome(host, totalS, moves);
    }

    private static JsonNode latestDrain(ControlPlane plane, String host, Instant after) {
        for (JsonNode drain : plane.get(Testbed.FAILOVER + "/api/v1/drains?hostId=" + host)) {
            if (!Instant.parse(drain.path("startedAt").asString()).isBefore(after.minusSeconds(1))) {
                return drain;
            }
        }
        return null;
    }

    /** The guest's pause at switch-over, as the destination's libvirt recorded it for the completed migration. */
    static Long downtimeMs(Testbed testbed, String host, String vmId) {
        try {
            Process virsh = new ProcessBuilder("virsh", "-c", testbed.unixUri(host), "domjobinfo", "--completed", vmId)
                    .redirectErrorStream(true).start();
            String out = new String(virsh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            virsh.waitFor(10, TimeUnit.SECONDS);
            Matcher m = DOWNTIME.matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
