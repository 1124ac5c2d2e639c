package io.kvmha.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** Hosts: capacity from the scheduler, health from the failover service. */
@Command(name = "host", description = "List hosts.", subcommands = {HostCommand.ListHosts.class})
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
            Printer printer = new Printer(spec.commandLine().getOut(), host.cli.output);
            if (printer.json()) {
                printer.printJson(health);
            } else {
                printer.table(health, "hostId", "state", "since", "evidence");
            }
            return ExitCode.OK;
        }
    }
}
