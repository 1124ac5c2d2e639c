package io.kvmha.cli;

import java.util.concurrent.Callable;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** Hosts: capacity from the scheduler, health from the failover service. */
@Command(name = "host", description = "Hosts: list, history, maintenance.",
        subcommands = {HostCommand.ListHosts.class, HostCommand.History.class, HostCommand.Maintenance.class})
final class HostCommand {

    @ParentCommand
    KvmhaCli cli;

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
    static final class History implements Callable<Integer> {
        @ParentCommand
        HostCommand host;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "HOST_ID")
        String hostId;

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
}
