package io.kvmha.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** The mass-failure guard: its status, and releasing hosts known to be dead, one by one. */
@Command(name = "guard", description = "The mass-failure guard: status, release a host.",
        subcommands = {GuardCommand.Status.class, GuardCommand.Release.class})
final class GuardCommand {

    @ParentCommand
    KvmhaCli cli;

    @Command(name = "status", description = "Whether the guard holds, and which hosts.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        GuardCommand guard;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            guard.cli.printer(spec).printJson(guard.cli.failover().get("/api/v1/guard"));
            return ExitCode.OK;
        }
    }

    @Command(name = "release", description = "Release one host you know is dead: it is then fenced and recovered.")
    static final class Release implements Callable<Integer> {
        @ParentCommand
        GuardCommand guard;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "HOST_ID")
        String hostId;

        @Override
        public Integer call() {
            JsonNode status = guard.cli.failover().post("/api/v1/guard/hosts/" + hostId + "/release", Map.of());
            Printer printer = guard.cli.printer(spec);
            printer.result(status, () -> printer.line("released " + hostId + " from the mass-failure guard"));
            return ExitCode.OK;
        }
    }
}
