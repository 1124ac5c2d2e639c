package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.agent.core.DomainXmlBuilder;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.bmc.Fault;
import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failover service's scenarios with real agents on libvirt test-driver hosts, the real scheduler and
 * Redfish BMCs over HTTP. Every scenario samples every host's domains throughout and fails if a VM ever
 * runs on two hosts; each prints the seconds from the victim's last heartbeat to its last VM started.
 */
class FailoverScenariosIT {

    private final JsonHttp http = new JsonHttp();
    private LocalCluster cluster;
    private ClusterEventTail tail;
    private DomainSampler sampler;

    private void start(int hosts) {
        cluster = LocalCluster.start(new LocalCluster.Options(hosts, false, List.of()).withBmc());
        tail = new ClusterEventTail(cluster.bootstrapServers(), List.of(Topic.ALERTS, Topic.HOST_HEALTH,
                Topic.RECOVERIES, Topic.HOST_HEARTBEATS, Topic.HOST_COMMANDS, Topic.PLACEMENT_REQUESTS), seen -> { });
        sampler = new DomainSampler(cluster, 20);
        await("scheduler and failover see every host").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.get(cluster.schedulerUrl() + "/api/v1/hosts").body().size() == hosts
                        && LocalClusterMain.hostsHeard(http, cluster) == hosts);
    }

    @AfterEach
    void stop() {
        if (sampler != null) {
            List<DomainSampler.DoubleRun> doubleRuns = sampler.doubleRuns();
            sampler.close();
            assertThat(doubleRuns).as("VMs seen on two hosts at once: %s", DomainSampler.describe(doubleRuns)).isEmpty();
        }
        if (tail != null) {
            tail.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anUnreachableBmcMeansWaitingForTheSelfFenceDeadlineThenRecovering() {
        start(3);
        Map<String, String> vms = createVms(4);
        String victim = busiestHost(vms);
        cluster.bmc().setFault(victim, Fault.UNREACHABLE);
        cluster.powerOff(victim);

        awaitRunningElsewhere(vms, victim, Duration.ofSeconds(45));
        RecoveryRecord record = awaitRecord(victim, r -> r.status() == RecoveryRecord.Status.RECOVERED, Duration.ofSeconds(15));
        Instant lastHeartbeat = lastHeartbeat(victim);
        Instant fenced = changedAt(victim, HostState.FENCED);
        // The agents destroy their HA VMs after 10 s cut off; failover adds a 5 s margin before restarting.
        assertThat(Duration.between(lastHeartbeat, fenced)).isGreaterThanOrEqualTo(Duration.ofSeconds(14));
        assertThat(record.timeline()).extracting(RecoveryRecord.TimelineEntry::phase).contains("self-fence-wait");
        report("BMC unreachable", victim, vms);
    }

    @Test
    void aBmcThatRefusesMeansNothingRestartsAndACriticalAlert() {
        start(3);
        Map<String, String> vms = createVms(4);
        String victim = busiestHost(vms);
        cluster.bmc().setFault(victim, Fault.REFUSE);
        cluster.powerOff(victim); // the agent is gone, the chassis still reads On

        await("KvmHostFencingFailed fires").atMost(Duration.ofSeconds(30)).until(() -> tail.any(Alert.class, a ->
                a.name().equals("KvmHostFencingFailed") && a.status() == Alert.Status.FIRING
                        && victim.equals(a.labels().get("host"))));
        RecoveryRecord record = awaitRecord(victim, r -> r.status() == RecoveryRecord.Status.FAILED, Duration.ofSeconds(10));
        assertThat(record.fencing()).startsWith("FAILED");
        assertThat(tail.events(EvacuationRequest.class)).noneMatch(r -> r.failedHostIds().contains(victim));
        List<String> victimVms = vmsOn(vms, victim);
        assertThat(tail.events(HostCommand.class)).noneMatch(c -> victimVms.contains(c.vmId())
                && "failover-service".equals(c.issuedBy()));
        System.out.printf("SCENARIO BMC refuses: host %s not fenced (%s); no VM restarted; alert fired%n",
                victim, record.fencing());
    }

    @Test
    void theMassFailureGuardFencesNothingUntilAnOperatorReleasesAHost() {
        start(3);
        Map<String, String> vms = createVms(6);
        List<String> victims = cluster.runningHosts().subList(0, 2);
        // Both at once, as a rack losing power: closing an agent takes a moment, so close them in parallel.
        victims.parallelStream().forEach(cluster::powerLoss);

        await("KvmHaMassFailureGuard fires").atMost(Duration.ofSeconds(15)).until(() -> tail.any(Alert.class, a ->
                a.name().equals("KvmHaMassFailureGuard") && a.status() == Alert.Status.FIRING));
        Instant engaged = Instant.now();
        await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(tail.events(HostHealthChange.class)).as("nothing fenced while the guard holds")
                .noneMatch(h -> h.current() == HostState.FENCING || h.current() == HostState.FENCED);

        String released = victims.get(0);
        JsonHttp.Response release = http.post(cluster.failoverUrl() + "/api/v1/guard/hosts/" + released + "/release", Map.of());
        assertThat(release.status()).as("release %s: %s", released, release.body()).isBetween(200, 299);
        awaitRunningElsewhere(onlyHost(vms, released), released, Duration.ofSeconds(30));
        assertThat(changedAt(victims.get(1), HostState.FENCED)).as("the other host stays held").isNull();
        System.out.printf("SCENARIO mass failure: guard engaged, nothing fenced for %.1f s; %s released and recovered%n",
                Duration.between(engaged, Instant.now()).toMillis() / 1000.0, released);
        report("mass failure, released host", released, onlyHost(vms, released));
    }

    @Test
    void aFailoverServiceKilledMidRecoveryResumesWithoutASecondStart() {
        start(3);
        Map<String, String> vms = createVms(4);
        String victim = busiestHost(vms);
        // The BMC takes 3 s to confirm the power-off, so the failover service is stopped while fencing.
        cluster.bmc().setPowerOffDelay(Duration.ofSeconds(3));
        cluster.powerOff(victim);
        await("fencing begins").atMost(Duration.ofSeconds(10)).until(() -> changedAt(victim, HostState.FENCING) != null);
        cluster.restartService("failover-service");

        awaitRunningElsewhere(vms, victim, Duration.ofSeconds(45));
        RecoveryRecord record = awaitRecord(victim, r -> r.status() == RecoveryRecord.Status.RECOVERED, Duration.ofSeconds(15));
        assertThat(record.timeline()).extracting(RecoveryRecord.TimelineEntry::phase).contains("resumed");
        Map<String, Set<String>> startCommands = tail.events(HostCommand.class).stream()
                .filter(c -> c.action() == HostCommand.Action.DEFINE_AND_START && record.incidentId().equals(c.incidentId()))
                .collect(Collectors.groupingBy(HostCommand::vmId, Collectors.mapping(HostCommand::commandId, Collectors.toSet())));
        startCommands.forEach((vm, ids) -> assertThat(ids).as("start commands for %s", vm).hasSize(1));
        assertThat(startCommands.keySet()).containsExactlyInAnyOrderElementsOf(vmsOn(vms, victim));
        report("failover restarted mid-recovery", victim, vms);
    }

    @Test
    void aFencedHostThatComesBackLosesItsStaleDefinitionsBeforeItIsOnline() {
        start(3);
        Map<String, String> vms = createVms(4);
        String victim = busiestHost(vms);
        cluster.powerLoss(victim);
        awaitRunningElsewhere(vms, victim, Duration.ofSeconds(30));
        report("power loss before rejoin", victim, vms);

        // The host boots again with a stale definition of a VM that now runs elsewhere.
        String staleVm = vmsOn(vms, victim).get(0);
        cluster.bmc().setPowerState(victim, io.kvmha.bmc.PowerState.On);
        await("the host's agent is back").atMost(Duration.ofSeconds(20)).until(() -> cluster.runningHosts().contains(victim));
        Hypervisor hypervisor = cluster.agent(victim).getBean(Hypervisor.class);
        hypervisor.define(DomainXmlBuilder.toXml(new VmSpec(staleVm, "stale-" + staleVm.substring(0, 8), 1, 256,
                Tier.GOLD, HaPolicy.RESTART, 0, Map.of(), Instant.now()), hypervisor.domainType()));

        await("the stale definition is removed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> hypervisor.findDomain(staleVm).isEmpty());
        await("the host is ONLINE again").atMost(Duration.ofSeconds(30))
                .until(() -> lastState(victim) == HostState.ONLINE);
        assertThat(tail.events(HostHealthChange.class)).anyMatch(h -> h.hostId().equals(victim)
                && h.current() == HostState.RECOVERING);
        assertThat(sampler.hostsRunning(staleVm)).hasSize(1).doesNotContain(victim);
        System.out.printf("SCENARIO rejoin: %s came back with a stale definition of %s; the failover service removed it%n",
                victim, staleVm);
    }

    // --- helpers -------------------------------------------------------------------------------------

    private Map<String, String> createVms(int count) {
        Map<String, String> hostOf = new LinkedHashMap<>();
        Tier[] tiers = Tier.values();
        for (int i = 0; i < count; i++) {
            Tier tier = tiers[i % tiers.length];
            JsonHttp.Response response = http.post(cluster.schedulerUrl() + "/api/v1/vms", Map.of(
                    "name", tier.name().toLowerCase() + "-" + i, "vcpus", 1, "memoryMib", 256, "tier", tier.name(),
                    "haPolicy", "RESTART"));
            assertThat(response.status()).as("create: %s", response.body()).isEqualTo(201);
            hostOf.put(response.body().get("vmId").asString(), response.body().get("hostId").asString());
        }
        await("all VMs running").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> hostOf.entrySet().stream().allMatch(e -> sampler.hostsRunning(e.getKey()).equals(Set.of(e.getValue()))));
        return hostOf;
    }

    private String busiestHost(Map<String, String> vms) {
        return cluster.runningHosts().stream()
                .max(Comparator.comparingLong(h -> vms.values().stream().filter(h::equals).count())).orElseThrow();
    }

    private static List<String> vmsOn(Map<String, String> vms, String host) {
        return vms.entrySet().stream().filter(e -> e.getValue().equals(host)).map(Map.Entry::getKey).toList();
    }

    private static Map<String, String> onlyHost(Map<String, String> vms, String host) {
        Map<String, String> only = new LinkedHashMap<>();
        vmsOn(vms, host).forEach(vm -> only.put(vm, host));
        return only;
    }

    private void awaitRunningElsewhere(Map<String, String> vms, String victim, Duration timeout) {
        List<String> victimVms = vmsOn(vms, victim);
        await("the VMs of " + victim + " run elsewhere").atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> victimVms.stream().allMatch(vm -> {
                    Set<String> hosts = sampler.hostsRunning(vm);
                    return hosts.size() == 1 && !hosts.contains(victim);
                }));
    }

    private void report(String scenario, String victim, Map<String, String> vms) {
        Instant lastHeartbeat = lastHeartbeat(victim);
        Instant lastStarted = vmsOn(vms, victim).stream()
                .map(vm -> sampler.firstSeen(vm, sampler.hostsRunning(vm).iterator().next()))
                .max(Comparator.naturalOrder()).orElseThrow();
        Instant down = changedAt(victim, HostState.DOWN);
        Instant fenced = changedAt(victim, HostState.FENCED);
        System.out.printf("SCENARIO %s: host %s with %d VMs; from its last heartbeat: detected %s, fenced %s, "
                        + "last VM started %.3f s%n", scenario, victim, vmsOn(vms, victim).size(),
                seconds(lastHeartbeat, down), seconds(lastHeartbeat, fenced),
                Duration.between(lastHeartbeat, lastStarted).toMillis() / 1000.0);
    }

    private static String seconds(Instant from, Instant to) {
        return to == null ? "-" : String.format("%.3f s", Duration.between(from, to).toMillis() / 1000.0);
    }

    private RecoveryRecord awaitRecord(String host, Predicate<RecoveryRecord> condition, Duration timeout) {
        return await().atMost(timeout).until(() -> tail.events(RecoveryRecord.class).stream()
                .filter(r -> r.hostId().equals(host) && condition.test(r)).reduce((a, b) -> b).orElse(null), r -> r != null);
    }

    private Instant lastHeartbeat(String host) {
        return tail.events(HostHeartbeat.class).stream().filter(hb -> hb.hostId().equals(host))
                .map(HostHeartbeat::sentAt).max(Comparator.naturalOrder()).orElseThrow();
    }

    private Instant changedAt(String host, HostState state) {
        return tail.events(HostHealthChange.class).stream()
                .filter(h -> h.hostId().equals(host) && h.current() == state)
                .map(HostHealthChange::changedAt).findFirst().orElse(null);
    }

    private HostState lastState(String host) {
        return tail.events(HostHealthChange.class).stream().filter(h -> h.hostId().equals(host))
                .map(HostHealthChange::current).reduce((a, b) -> b).orElse(null);
    }
}
