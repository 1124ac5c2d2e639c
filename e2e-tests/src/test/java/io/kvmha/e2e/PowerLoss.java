package io.kvmha.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Scenario 1, shared by the e2e test and the testbed-recovery benchmark: power off a host, wait for its incident
 * to close, and read the phases from the incident's timeline (the failover's own record) against the instant
 * the power went.
 */
public final class PowerLoss {

    /**
     * Seconds from the power loss to the end of each phase (detected, fenced, plan received, last VM started);
     * {@code tierOrdered}: the starts were issued gold first, then silver, then bronze.
     */
    public record Outcome(String hostId, String incidentId, int vms, double detectedS, double fencedS, double placedS,
                          double startedS, boolean tierOrdered, String status, List<String> startedOn) {

        public double detectS() {
            return detectedS;
        }

        public double fenceS() {
            return fencedS - detectedS;
        }

        public double placeS() {
            return placedS - fencedS;
        }

        public double startS() {
            return startedS - placedS;
        }

        public String describe() {
            return String.format(java.util.Locale.ROOT, "host %s lost with %d VMs; from the power loss: detected %.2f s, "
                    + "fenced %.2f s, placed %.2f s, all VMs started %.2f s (incident %s, %s, starts in tier order: %s)",
                    hostId, vms, detectedS, fencedS, placedS, startedS, incidentId, status, tierOrdered);
        }
    }

    private PowerLoss() {
    }

    public static Outcome run(Testbed testbed, ControlPlane plane, LibvirtSampler sampler, String host, List<String> vmIds) {
        List<String> before = plane.incidentIds(host);
        Instant off = testbed.powerOff(host);
        String incidentId = await("an incident for " + host).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> plane.incidentIds(host).stream().filter(id -> !before.contains(id)).findFirst().orElse(null),
                        id -> id != null);
        JsonNode incident = await("incident " + incidentId + " closed").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200)).until(() -> plane.incident(incidentId), i -> !i.path("closedAt").isNull()
                        && !i.path("closedAt").isMissingNode());
        await("every VM of " + host + " running elsewhere").atMost(Duration.ofSeconds(30))
                .until(() -> vmIds.stream().allMatch(vm -> {
                    Set<String> on = sampler.hostsRunning(vm);
                    return on.size() == 1 && !on.contains(host);
                }));
        Map<String, Instant> phases = new HashMap<>();
        Instant lastStart = null;
        List<String> issuedTiers = new ArrayList<>();
        Map<String, String> tierOf = new HashMap<>();
        for (JsonNode vm : incident.path("vms")) {
            tierOf.put(vm.path("vmId").asString(), vm.path("tier").asString());
        }
        for (JsonNode entry : incident.path("timeline")) {
            String phase = entry.path("phase").asString();
            Instant at = Instant.parse(entry.path("at").asString());
            phases.putIfAbsent(phase, at);
            if (phase.equals("vm-started")) {
                lastStart = at;
            }
            if (phase.equals("start-issued")) {
                String detail = entry.path("detail").asString();
                int v = detail.indexOf("vm=");
                String vm = v < 0 ? "" : detail.substring(v + 3).split(" ")[0];
                issuedTiers.add(tierOf.getOrDefault(vm, "?"));
            }
        }
        List<String> startedOn = vmIds.stream().map(vm -> String.join(",", sampler.hostsRunning(vm))).toList();
        return new Outcome(host, incidentId, incident.path("vms").size(), seconds(off, phases.get("detected")),
                seconds(off, phases.get("fenced")), seconds(off, phases.get("plan-received")),
                seconds(off, lastStart), tierOrdered(issuedTiers), incident.path("status").asString(), startedOn);
    }

    static boolean tierOrdered(List<String> tiers) {
        List<String> order = List.of("GOLD", "SILVER", "BRONZE");
        for (int i = 1; i < tiers.size(); i++) {
            if (order.indexOf(tiers.get(i)) < order.indexOf(tiers.get(i - 1))) {
                return false;
            }
        }
        return true;
    }

    private static double seconds(Instant from, Instant to) {
        return to == null ? Double.NaN : Duration.between(from, to).toNanos() / 1e9;
    }
}
