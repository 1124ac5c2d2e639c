package io.kvmha.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.SchedulerApplication;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.Fixtures;
import io.kvmha.scheduler.core.HostLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/**
 * Two scheduler instances share the single-partition request topic. A stream of evacuation requests is
 * sent; the active placer is stopped mid-stream; the standby takes the partition over, catches its view
 * up, and answers the rest. Every request gets a plan, and no VM is ever given two different placements
 * of the same generation (no double placement), and the final ledger has no host over capacity.
 * (The active placer is stopped by closing its context, not by killing a process.)
 */
@EmbeddedKafka
class ActivePlacerTakeoverIT {

    private static final int FAILING = 6;
    private static final int VMS_PER_HOST = 5;

    private static ConfigurableApplicationContext start(EmbeddedKafkaBroker broker, String name) {
        // Command-line arguments: they override the config file (builder properties would not).
        return SchedulerApplication.builder().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--spring.kafka.consumer.heartbeat-interval=300ms",
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--kvmha.kafka.source=/kvmha/scheduler-" + name,
                "--kvmha.scheduler.failover-host-failures=0");
    }

    private static void awaitViewAssigned(ConfigurableApplicationContext context) {
        KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
        for (String id : List.of(ListenerIds.HOST_INVENTORY, ListenerIds.HOST_HEALTH, ListenerIds.VM_SPECS,
                ListenerIds.PLACEMENTS)) {
            ContainerTestUtils.waitForAssignment(registry.getListenerContainer(id), 6);
        }
    }

    @Test
    void theStandbyTakesOverWithoutLosingARequestOrPlacingAVmTwice(EmbeddedKafkaBroker broker) throws Exception {
        ConfigurableApplicationContext a = start(broker, "a");
        ConfigurableApplicationContext b = null;
        try (DeadLetterProbe probe = new DeadLetterProbe(broker.getBrokersAsString());
             EventLog log = new EventLog(broker.getBrokersAsString(), Topic.PLACEMENTS, Topic.PLACEMENT_PLANS)) {
            awaitViewAssigned(a);
            await().atMost(Duration.ofSeconds(30)).until(() -> a.getBean(ActivePlacer.class).isOwner());
            b = start(broker, "b");
            awaitViewAssigned(b);
            ConfigurableApplicationContext second = b;
            // Exactly one owner once the group settled; the sticky assignor keeps it with the first instance.
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    a.getBean(ActivePlacer.class).isOwner() ^ second.getBean(ActivePlacer.class).isOwner());
            assertThat(a.getBean(ActivePlacer.class).isOwner()).isTrue();

            for (int h = 0; h < 8; h++) {
                boolean big = h >= FAILING;
                probe.sendEvent(Fixtures.numaHost("h" + h, 1, big ? 32 : 8, big ? 65536 : 8192, 0, Map.of()));
            }
            for (int h = 0; h < FAILING; h++) {
                for (int v = 0; v < VMS_PER_HOST; v++) {
                    String id = "vm-" + h + "-" + v;
                    VmSpec spec = new VmSpec(id, id, 1, 512, Tier.values()[v % 3], HaPolicy.RESTART, v, Map.of(),
                            Instant.now());
                    probe.sendEvent(spec);
                    probe.sendEvent(new Placement(id, "h" + h, 1, List.of(), "seed", null, Instant.now()));
                }
            }
            ConfigurableApplicationContext standby = b;
            for (ConfigurableApplicationContext context : List.of(a, standby)) {
                ClusterView view = context.getBean(ClusterView.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> view.read(l ->
                        l.hostArray().length == 8 && l.specs().size() == FAILING * VMS_PER_HOST
                                && l.vmIdsPlacedOn("h0").size() == VMS_PER_HOST));
            }

            for (int h = 0; h < FAILING; h++) {
                probe.sendEvent(new HostHealthChange("h" + h, HostState.ONLINE, HostState.DOWN, List.of("test"),
                        "inc-" + h, Instant.now()));
                probe.sendEvent(new EvacuationRequest("req-" + h, "inc-" + h, List.of("h" + h), Instant.now()));
                if (h == 1) {
                    log.await(EvacuationPlan.class, p -> p.requestId().equals("req-0"));
                    a.close(); // the active placer stops mid-stream
                }
            }

            for (int h = 0; h < FAILING; h++) {
                String request = "req-" + h;
                EvacuationPlan plan = log.await(EvacuationPlan.class, p -> p.requestId().equals(request));
                assertThat(plan.unplaced()).as(request).isEmpty();
                assertThat(plan.assignments()).extracting(x -> x.spec().vmId()).doesNotHaveDuplicates();
            }
            assertThat(standby.getBean(ActivePlacer.class).isOwner()).isTrue();

            // No double placement: one host per (VM, generation), whoever published it.
            Map<String, Set<String>> hostsByGeneration = new HashMap<>();
            for (Placement p : log.all(Placement.class)) {
                hostsByGeneration.computeIfAbsent(p.vmId() + "@" + p.generation(), k -> new HashSet<>()).add(p.hostId());
            }
            assertThat(hostsByGeneration.entrySet().stream().filter(e -> e.getValue().size() > 1)
                    .map(Map.Entry::getKey).collect(Collectors.toList())).isEmpty();

            ClusterView view = standby.getBean(ClusterView.class);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> view.read(l -> {
                for (String vmId : l.specs().stream().map(VmSpec::vmId).toList()) {
                    assertThat(l.placement(vmId).orElseThrow().hostId()).as(vmId).isIn("h6", "h7");
                }
                for (HostLedger host : l.hostArray()) {
                    assertThat(host.memoryUsedBytes()).isLessThanOrEqualTo(host.memoryCapacityBytes());
                }
                return null;
            }));
        } finally {
            if (a.isActive()) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
    }
}
