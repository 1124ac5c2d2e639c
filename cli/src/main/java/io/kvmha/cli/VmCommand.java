package io.kvmha.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** VMs: create, list, show. */
@Command(name = "vm", description = "Create, list and show VMs.",
        subcommands = {VmCommand.Create.class, VmCommand.ListVms.class, VmCommand.Show.class, VmCommand.Delete.class})
final class VmCommand {

    @ParentCommand
    KvmhaCli cli;

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
    static final class Show implements Callable<Integer> {
        @ParentCommand
        VmCommand vm;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "VM_ID", description = "the VM's id")
        String vmId;

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
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        VmCommand vm;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "VM_ID", description = "the VM's id")
        String vmId;

        @Override
        public Integer call() {
            vm.cli.scheduler().delete("/api/v1/vms/" + vmId);
            Printer printer = vm.cli.printer(spec);
            printer.result(vm.cli.scheduler().json().createObjectNode().put("vmId", vmId).put("deleted", true),
                    () -> printer.line("deleted " + vmId));
            return ExitCode.OK;
        }
    }
}
