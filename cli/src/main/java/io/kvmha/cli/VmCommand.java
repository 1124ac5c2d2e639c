package io.kvmha.cli;

import java.util.LinkedHashMap;
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

/** VMs: create, list, show, migrate, delete. */
@Command(name = "vm", description = "Create, list, show, migrate and delete VMs.",
        subcommands = {VmCommand.Create.class, VmCommand.ListVms.class, VmCommand.Show.class, VmCommand.Migrate.class,
            VmCommand.Delete.class})
final class VmCommand {

    @ParentCommand
    KvmhaCli cli;

    /** A verb about one VM: the parent command, this command's spec, and the VM id. */
    abstract static class OnVm implements Callable<Integer> {
        @ParentCommand
        VmCommand vm;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "VM_ID", description = "the VM's id")
        String vmId;
    }

    @Command(name = "create", description = "Create a VM: the scheduler places it and its host starts it.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        VmCommand vm;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "VM name, unique in the cluster")
        String name;
        @Option(names = "--vcpus", defaultValue = "1", description = "virtual CPUs; default ${DEFAULT-VALUE}")
        int vcpus;
        @Option(names = "--memory-mib", defaultValue = "512", description = "memory in MiB; default ${DEFAULT-VALUE}")
        long memoryMib;
        @Option(names = "--tier", defaultValue = "SILVER", description = "GOLD, SILVER or BRONZE; default ${DEFAULT-VALUE}")
        String tier;
        @Option(names = "--ha-policy", defaultValue = "RESTART",
                description = "RESTART, MIGRATE_THEN_RESTART or NONE; default ${DEFAULT-VALUE}")
        String haPolicy;
        @Option(names = "--priority", defaultValue = "0", description = "priority within the tier; default ${DEFAULT-VALUE}")
        int priority;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("vcpus", vcpus);
            body.put("memoryMib", memoryMib);
            body.put("tier", tier.toUpperCase());
            body.put("haPolicy", haPolicy.toUpperCase());
            body.put("priority", priority);
            JsonNode created = vm.cli.scheduler().post("/api/v1/vms", body);
            Printer printer = vm.cli.printer(spec);
            printer.result(created, () -> printer.line("created " + created.path("name").asString() + " (" + created.path("vmId").asString()
                        + ") on " + created.path("hostId").asString()));
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List VMs with their tier and host.")
    static final class ListVms implements Callable<Integer> {
        @ParentCommand
        VmCommand vm;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode vms = vm.cli.scheduler().get("/api/v1/vms");
            Printer printer = vm.cli.printer(spec);
            printer.rows(vms, "name", "vmId", "tier", "haPolicy", "hostId", "vcpus", "memoryMib");
            return ExitCode.OK;
        }
    }

    @Command(name = "show", description = "Show one VM.")
    static final class Show extends OnVm {
        @Override
        public Integer call() {
            JsonNode shown = vm.cli.scheduler().get("/api/v1/vms/" + vmId);
            Printer printer = vm.cli.printer(spec);
            if (printer.json()) {
                printer.printJson(shown);
            } else {
                shown.properties().forEach(e -> printer.line(String.format("%-20s %s", e.getKey(), Printer.text(e.getValue()))));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "delete", description = "Delete a VM: it is destroyed and undefined on its host, and forgotten.")
    static final class Delete extends OnVm {
        @Override
        public Integer call() {
            vm.cli.scheduler().delete("/api/v1/vms/" + vmId);
            Printer printer = vm.cli.printer(spec);
            printer.result(vm.cli.scheduler().json().createObjectNode().put("vmId", vmId).put("deleted", true),
                    () -> printer.line("deleted " + vmId));
            return ExitCode.OK;
        }
    }

    @Command(name = "migrate", description = "Live-migrate a VM: the scheduler picks (or checks) the target, the failover "
            + "service moves it. Shows its progress until it is settled; exit 5 if it did not move.")
    static final class Migrate extends OnVm {
        @Option(names = "--to", paramLabel = "HOST_ID", description = "target host; default: the scheduler chooses")
        String targetHostId;
        @Mixin
        WaitOptions wait;

        @Override
        public Integer call() {
            MoveFollower follower = new MoveFollower(vm.cli, spec, "vmId=" + vmId);
            Set<String> before = wait.noWait ? Set.of() : follower.existing();
            Map<String, Object> body = new LinkedHashMap<>();
            if (targetHostId != null) {
                // The scheduler would only say that no host fits; an unknown target deserves its own answer (404).
                vm.cli.scheduler().get("/api/v1/hosts/" + targetHostId);
                body.put("targetHostId", targetHostId);
            }
            JsonNode plan = vm.cli.scheduler().post("/api/v1/vms/" + vmId + "/migrate", body);
            JsonNode move = plan.path("moves").path(0);
            Printer printer = vm.cli.printer(spec);
            if (wait.noWait) {
                printer.result(plan, () -> printer.line("migrating " + vmId + " from " + move.path("fromHostId").asString()
                        + " to " + move.path("targetHostId").asString() + "; progress: " + vm.cli.failoverUrl
                        + "/api/v1/drains?vmId=" + vmId));
                return ExitCode.OK;
            }
            JsonNode migration = follower.follow("migrate " + move.path("name").asString(vmId), before, true,
                    wait.timeout());
            MoveFollower.print(printer, migration);
            return MoveFollower.succeeded(migration) ? ExitCode.OK : ExitCode.INCOMPLETE;
        }
    }
}
