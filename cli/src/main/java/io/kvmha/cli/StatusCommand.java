package io.kvmha.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** The cluster at a glance: hosts with their health and capacity, VMs by tier, open incidents. */
@Command(name = "status", description = "Hosts with health and capacity, VMs by tier, incidents.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    KvmhaCli cli;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode hosts = cli.scheduler().get("/api/v1/hosts");
        JsonNode vms = cli.scheduler().get("/api/v1/vms");
        JsonNode health = cli.failover().get("/api/v1/hosts");
        JsonNode incidents = cli.failover().get("/api/v1/incidents");
        Printer printer = cli.printer(spec);
        Map<String, Integer> byTier = new TreeMap<>();
        vms.forEach(vm -> byTier.merge(vm.path("tier").asString("?"), 1, Integer::sum));
        Map<String, String> healthOf = new LinkedHashMap<>();
        health.forEach(h -> healthOf.put(h.path("hostId").asString(), h.path("state").asString()));
        long open = 0;
        for (JsonNode incident : incidents) {
            if ("OPEN".equals(incident.path("status").asString())) {
                open++;
            }
        }
        if (printer.json()) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("hosts", hosts);
            status.put("health", health);
            status.put("vmsByTier", byTier);
            status.put("incidents", incidents);
            printer.printJson(status);
            return ExitCode.OK;
        }
        printer.line("HOSTS");
        var rows = cli.scheduler().json().createArrayNode();
        for (JsonNode host : hosts) {
            var row = host.deepCopy();
            ((tools.jackson.databind.node.ObjectNode) row).put("health",
                    healthOf.getOrDefault(host.path("hostId").asString(), "UNKNOWN"));
            rows.add(row);
        }
        printer.table(rows, "hostId", "health", "state", "vmCount", "claimedVcpus", "vcpuCapacity", "claimedMemoryBytes", "memoryCapacityBytes");
        printer.line("");
        printer.line("VMS BY TIER  " + (byTier.isEmpty() ? "none" : byTier.toString().replaceAll("[{}]", "")));
        printer.line("INCIDENTS    " + incidents.size() + " (" + open + " open)");
        return ExitCode.OK;
    }
}
