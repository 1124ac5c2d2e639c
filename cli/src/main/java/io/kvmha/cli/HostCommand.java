package io.kvmha.cli;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** Hosts: capacity from the scheduler, health from the failover service. */
@Command(name = "host", description = "Hosts: list, history, maintenance, drain, undrain, fence.",
        subcommands = {HostCommand.ListHosts.class, HostCommand.History.class, HostCommand.Maintenance.class,
            HostCommand.Drain.class, HostCommand.Undrain.class, HostCommand.Fence.class})
final class HostCommand {

    @ParentCommand
    KvmhaCli cli;

    /** A verb about one host: the parent command, this command's spec, and the host id. */
    abstract static class OnHost implements Callable<Integer> {
        @ParentCommand
        HostCommand host;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "HOST_ID")
        String hostId;
    }

    @Command(name = "list", description = "Hosts with capacity (scheduler) and health (failover).")
    static final class ListHosts implements Callable<Integer> {
        @ParentCommand
        HostCommand host;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode health = host.cli.failover().get("/api/v1/hosts");
            Printer printer = host.cli.printer(spec);
            printer.rows(health, "hostId", "state", "since", "evidence");
            return ExitCode.OK;
        }
    }

    @Command(name = "history", description = "A host's health transitions with their evidence.")
    static final class History extends OnHost {
        @Override
        public Integer call() {
            JsonNode history = host.cli.failover().get("/api/v1/hosts/" + hostId + "/history");
            Printer printer = host.cli.printer(spec);
            printer.rows(history, "at", "from", "to", "evidence");
            return ExitCode.OK;
        }
    }

    @Command(name = "maintenance", description = "Maintenance on or off: while on, the host is never fenced.")
    static final class Maintenance implements Callable<Integer> {
        @ParentCommand
        HostCommand host;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "on|off")
        String onOff;
        @Parameters(index = "1", paramLabel = "HOST_ID")
        String hostId;
        @Option(names = "--reason", description = "why, for the host's history")
        String reason;

        @Override
        public Integer call() {
            String path = "/api/v1/hosts/" + hostId + "/maintenance";
            JsonNode result = switch (onOff) {
                case "on" -> host.cli.failover().post(path, reason == null ? Map.of() : Map.of("reason", reason));
                case "off" -> host.cli.failover().delete(path);
                default -> throw new CliException(ExitCode.USAGE, "maintenance takes 'on' or 'off', not '" + onOff + "'");
            };
            Printer printer = host.cli.printer(spec);
            printer.result(result, () -> printer.line("host " + hostId + ": " + result.path("state").asString("?")));
            return ExitCode.OK;
        }
    }

    @Command(name = "drain", description = "Drain a host for maintenance: the scheduler plans a target for each of its VMs, "
            + "the failover service live-migrates them (fencing paused). Shows a progress bar until every VM is settled; "
            + "exit 5 if some VM could not be moved.")
    static final class Drain extends OnHost {
        @Mixin
        WaitOptions wait;

        @Override
        public Integer call() {
            MoveFollower follower = new MoveFollower(host.cli, spec, "hostId=" + hostId);
            Set<String> before = wait.noWait ? Set.of() : follower.existing();
            JsonNode plan = host.cli.scheduler().post("/api/v1/hosts/" + hostId + "/drain", Map.of());
            Printer printer = host.cli.printer(spec);
            JsonNode unplaced = plan.path("unplaced");
            unplaced.forEach(vm -> spec.commandLine().getErr().println("kvmha: vm " + vm.path("vmId").asString() + " ("
                    + vm.path("name").asString() + ") stays on " + hostId + ", it fits nowhere else: "
                    + vm.path("reason").asString() + ". Free capacity or delete VMs, then drain again."));
            if (wait.noWait || plan.path("moves").isEmpty()) {
                printer.result(plan, () -> {
                    printer.line("drain of " + hostId + ": " + plan.path("moves").size() + " VMs to move, "
                            + unplaced.size() + " fit nowhere" + (plan.path("moves").isEmpty() ? "" : "; progress: "
                            + host.cli.failoverUrl + "/api/v1/drains?hostId=" + hostId));
                    printer.table(plan.path("moves"), "vmId", "name", "tier", "fromHostId", "targetHostId");
                });
                return unplaced.isEmpty() ? ExitCode.OK : ExitCode.INCOMPLETE;
            }
            JsonNode drain = follower.follow("drain " + hostId, before, false, wait.timeout());
            MoveFollower.print(printer, drain);
            return MoveFollower.succeeded(drain) && unplaced.isEmpty() ? ExitCode.OK : ExitCode.INCOMPLETE;
        }
    }

    @Command(name = "undrain", description = "End a drain: the host takes VMs again (scheduler) and leaves maintenance, "
            + "so it is judged and fenced again when it fails (failover).")
    static final class Undrain extends OnHost {
        @Override
        public Integer call() {
            host.cli.scheduler().post("/api/v1/hosts/" + hostId + "/undrain", Map.of());
            JsonNode health = host.cli.failover().delete("/api/v1/hosts/" + hostId + "/maintenance");
            Printer printer = host.cli.printer(spec);
            printer.result(health, () -> printer.line("host " + hostId + ": accepts VMs again, "
                    + health.path("state").asString("?")));
            return ExitCode.OK;
        }
    }

    @Command(name = "fence", description = "Fence a host (power it off through its BMC) and restart its VMs elsewhere. "
            + "A host the failover service believes alive is fenced only with --force. Shows the evacuation until "
            + "its incident closes; exit 5 unless RECOVERED.")
    static final class Fence extends OnHost {
        @Option(names = "--force", description = "fence even though the host looks alive (ONLINE, SUSPECT, MAINTENANCE)")
        boolean force;
        @Option(names = "--reason", description = "why, recorded in the incident's timeline")
        String reason;
        @Option(names = "--operator", defaultValue = "${env:USER:-unknown}",
                description = "who asks, recorded with the decision; default ${DEFAULT-VALUE}")
        String operator;
        @Mixin
        WaitOptions wait;

        @Override
        public Integer call() {
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("force", force);
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonNode incident;
            try {
                incident = host.cli.failover().post("/api/v1/hosts/" + hostId + "/fence", body, Map.of("X-Operator", operator));
            } catch (CliException e) {
                if (e.exitCode() == ExitCode.REFUSED && !force && e.getMessage().contains("(409)")) {
                    throw new CliException(e.exitCode(), e.getMessage() + ". If you are sure the host must be "
                            + "powered off although it looks alive, add --force.");
                }
                throw e;
            }
            String incidentId = incident.path("incidentId").asString();
            if (wait.noWait) {
                Printer printer = host.cli.printer(spec);
                printer.result(incident, () -> printer.line("fencing " + hostId + ": incident " + incidentId
                        + "; follow with: kvmha incidents show " + incidentId + " --follow"));
                return ExitCode.OK;
            }
            return IncidentsCommand.show(host.cli, spec, incidentId, true, wait.timeout());
        }
    }
}
