package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The whole failover loop end to end, in one JVM: a real KRaft broker, the four services, three agents
 * on libvirt test-driver hosts, each host with a Redfish BMC (emulated, real HTTP). Four VMs are created
 * through the REST API; the host with the most of them loses power; the failover service must fence it
 * through its BMC, and its VMs must run on the other hosts, never two at once; KvmHostDown must fire.
 */
class WalkingSkeletonIT {

    private final JsonHttp http = new JsonHttp();

    @Test
    void aSilentHostsVmsRunAgainElsewhereAndTheAlertFires() {
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(3, false, List.of()).withBmc());
             ClusterEventTail tail = new ClusterEventTail(cluster.bootstrapServers(),
                     List.of(Topic.ALERTS, Topic.HOST_HEALTH, Topic.RECOVERIES, Topic.HOST_HEARTBEATS), seen -> { });
             DomainSampler sampler = new DomainSampler(cluster, 20)) {

            await("scheduler sees 3 hosts").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> http.get(cluster.schedulerUrl() + "/api/v1/hosts").body().size() == 3);
            // A host is only judged once failover has heard it: before that its silence proves nothing.
            await("failover hears 3 hosts").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> LocalClusterMain.hostsHeard(http, cluster) == 3);

            Map<String, String> vms = new LinkedHashMap<>();
            vms.put(create(cluster, "gold-1", "GOLD"), "GOLD");
            vms.put(create(cluster, "gold-2", "GOLD"), "GOLD");
            vms.put(create(cluster, "silver-1", "SILVER"), "SILVER");
            vms.put(create(cluster, "bronze-1", "BRONZE"), "BRONZE");
            await("all four VMs running").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> vms.keySet().stream().allMatch(vm -> sampler.hostsRunning(vm).size() == 1));

            Map<String, String> hostOf = new LinkedHashMap<>();
            vms.keySet().forEach(vm -> hostOf.put(vm, sampler.hostsRunning(vm).iterator().next()));
            String victim = cluster.runningHosts().stream()
                    .max(Comparator.comparingLong(h -> hostOf.values().stream().filter(h::equals).count()))
                    .orElseThrow();
            List<String> victimVms = hostOf.entrySet().stream().filter(e -> e.getValue().equals(victim))
                    .map(Map.Entry::getKey).toList();
            assertThat(victimVms).isNotEmpty();

            Instant powerLoss = Instant.now();
            cluster.powerLoss(victim);

            await("the lost host's VMs run on the survivors").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> victimVms.stream().allMatch(vm -> {
                        Set<String> hosts = sampler.hostsRunning(vm);
                        return hosts.size() == 1 && !hosts.contains(victim);
                    }));
            Instant lastStarted = victimVms.stream()
                    .map(vm -> sampler.firstSeen(vm, sampler.hostsRunning(vm).iterator().next()))
                    .max(Comparator.naturalOrder()).orElseThrow();
            Instant lastHeartbeat = tail.events(HostHeartbeat.class).stream()
                    .filter(hb -> hb.hostId().equals(victim)).map(HostHeartbeat::sentAt)
                    .max(Comparator.naturalOrder()).orElse(powerLoss);
            Instant down = await("DOWN recorded").atMost(Duration.ofSeconds(10)).until(() -> changedAt(tail, victim, HostState.DOWN), t -> t != null);
            Instant fenced = await("FENCED recorded").atMost(Duration.ofSeconds(10)).until(() -> changedAt(tail, victim, HostState.FENCED), t -> t != null);
            System.out.printf("FAILOVER POWER LOSS (BMC fencing): host %s lost with %d VMs; from its last heartbeat: "
                            + "detected %.3f s, fenced %.3f s, all VMs running elsewhere %.3f s (%.3f s after power loss)%n",
                    victim, victimVms.size(), seconds(lastHeartbeat, down), seconds(lastHeartbeat, fenced),
                    seconds(lastHeartbeat, lastStarted), seconds(powerLoss, lastStarted));

            await("KvmHostDown fires").atMost(Duration.ofSeconds(15)).until(() -> tail.any(Alert.class, a ->
                    a.name().equals("KvmHostDown") && a.status() == Alert.Status.FIRING
                            && victim.equals(a.labels().get("host"))));
            await("the incident is recorded as recovered after BMC fencing").atMost(Duration.ofSeconds(15))
                    .until(() -> tail.any(RecoveryRecord.class, r -> r.hostId().equals(victim)
                            && r.status() == RecoveryRecord.Status.RECOVERED
                            && r.fencing() != null && r.fencing().startsWith("redfish")));
            assertThat(tail.events(HostHealthChange.class))
                    .anyMatch(h -> h.hostId().equals(victim) && h.current() == HostState.DOWN);
            assertThat(tail.events(HostHealthChange.class))
                    .noneMatch(h -> !h.hostId().equals(victim) && h.current() == HostState.DOWN);

            JsonNode listed = http.get(cluster.schedulerUrl() + "/api/v1/vms").body();
            assertThat(listed.size()).isEqualTo(4);
            assertThat(sampler.doubleRuns()).as("VMs seen on two hosts at once: %s",
                    DomainSampler.describe(sampler.doubleRuns())).isEmpty();
            assertThat(sampler.samples()).isGreaterThan(10);
        }
    }

    private static Instant changedAt(ClusterEventTail tail, String host, HostState state) {
        return tail.events(HostHealthChange.class).stream()
                .filter(h -> h.hostId().equals(host) && h.current() == state)
                .map(HostHealthChange::changedAt).findFirst().orElse(null);
    }

    private String create(LocalCluster cluster, String name, String tier) {
        JsonHttp.Response response = http.post(cluster.schedulerUrl() + "/api/v1/vms", Map.of(
                "name", name, "vcpus", 1, "memoryMib", 256, "tier", tier, "haPolicy", "RESTART"));
        assertThat(response.status()).as("create %s: %s", name, response.body()).isEqualTo(201);
        return response.body().get("vmId").asText();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
