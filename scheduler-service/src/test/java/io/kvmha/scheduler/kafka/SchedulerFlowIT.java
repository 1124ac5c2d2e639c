package io.kvmha.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.Fixtures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The walking skeleton's scheduler half, on a real broker: create a VM, then evacuate its host; and a batch of
 * evacuation requests that arrive together.
 */
@SpringBootTest(properties = {
    "spring.config.name=scheduler-service",
    "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
    "kvmha.kafka.source=/kvmha/scheduler-flow-it",
    // Wide, so that the batch test's four sends fall into one window even on a loaded machine.
    "kvmha.scheduler.evacuation-gather-window=2s"})
@EmbeddedKafka
@AutoConfigureMockMvc
class SchedulerFlowIT {

    @Autowired
    MockMvc mvc;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    ClusterView view;
    @Autowired
    MeterRegistry meters;
    @Autowired
    EventPublisher publisher;

    @Test
    void createsAVmThenEvacuatesItsHost() throws Exception {
        awaitListenersAssigned(listeners);
        try (DeadLetterProbe probe = new DeadLetterProbe(broker.getBrokersAsString());
             EventLog log = new EventLog(broker.getBrokersAsString(),
                     Topic.VM_SPECS, Topic.PLACEMENTS, Topic.HOST_COMMANDS, Topic.PLACEMENT_PLANS)) {
            probe.sendEvent(inventory("h1", 16384));
            probe.sendEvent(inventory("h2", 8192));
            await().atMost(Duration.ofSeconds(20)).until(() -> view.read(l -> l.host("h1").isPresent()
                    && l.host("h2").isPresent()));

            String body = mvc.perform(post("/api/v1/vms").contentType(MediaType.APPLICATION_JSON).content("""
                            {"name":"web-1","vcpus":2,"memoryMib":1024,"tier":"GOLD","haPolicy":"RESTART","priority":5}"""))
                    .andExpect(status().isCreated())
                    .andExpect(jsonPath("$.hostId").value("h1"))
                    .andReturn().getResponse().getContentAsString();
            String vmId = body.replaceAll(".*\"vmId\":\"([^\"]+)\".*", "$1");

            VmSpec spec = log.await(VmSpec.class, s -> s.vmId().equals(vmId));
            assertThat(spec.name()).isEqualTo("web-1");
            Placement first = log.await(Placement.class, p -> p.vmId().equals(vmId));
            assertThat(first.hostId()).isEqualTo("h1");
            assertThat(first.generation()).isEqualTo(1);
            HostCommand command = log.await(HostCommand.class, c -> c.vmId().equals(vmId));
            assertThat(command.hostId()).isEqualTo("h1");
            assertThat(command.action()).isEqualTo(HostCommand.Action.DEFINE_AND_START);
            assertThat(command.issuedBy()).isEqualTo("scheduler-service");
            assertThat(command.spec()).isEqualTo(spec);

            probe.sendEvent(new EvacuationRequest("req-1", "inc-1", List.of("h1"), Instant.now()));

            EvacuationPlan plan = log.await(EvacuationPlan.class, p -> p.requestId().equals("req-1"));
            assertThat(plan.incidentId()).isEqualTo("inc-1");
            assertThat(plan.unplaced()).isEmpty();
            assertThat(plan.assignments()).singleElement().satisfies(a -> {
                assertThat(a.spec()).isEqualTo(spec);
                assertThat(a.fromHostId()).isEqualTo("h1");
                assertThat(a.targetHostId()).isEqualTo("h2");
                assertThat(a.placementGeneration()).isEqualTo(2);
            });
            Placement second = log.await(Placement.class, p -> p.vmId().equals(vmId) && p.generation() == 2);
            assertThat(second.hostId()).isEqualTo("h2");
            assertThat(second.incidentId()).isEqualTo("inc-1");
            assertThat(second.reason()).isEqualTo("evacuation of h1");

            mvc.perform(get("/api/v1/vms/" + vmId))
                    .andExpect(jsonPath("$.hostId").value("h2"))
                    .andExpect(jsonPath("$.placementGeneration").value(2));
        }
    }

    /**
     * A rack fails at once: four requests arrive together (within the gather window, so the listener answers them
     * from one poll). Each failing host runs a GOLD VM of 1,536 MiB and a SILVER one of 512 MiB; the two
     * survivors (3,584 MiB each) hold the four GOLD VMs and two SILVER ones. Answered one by one, the first three
     * requests would take 6 GiB and the fourth GOLD VM would fit nowhere; planned together, every GOLD VM is placed
     * first. Host labels keep the VMs on this test's hosts (the other test's hosts share the broker and the view).
     */
    @Test
    void requestsThatArriveTogetherArePlannedInOneRecoveryOrder() throws Exception {
        awaitListenersAssigned(listeners);
        int failing = 4;
        Map<String, String> rack = Map.of("rack", "batch-it");
        try (DeadLetterProbe probe = new DeadLetterProbe(broker.getBrokersAsString());
             EventLog log = new EventLog(broker.getBrokersAsString(), Topic.PLACEMENTS, Topic.PLACEMENT_PLANS)) {
            for (String survivor : List.of("batch-s1", "batch-s2")) {
                probe.sendEvent(Fixtures.numaHost(survivor, 1, 4, 3584, 0, rack));
            }
            for (int h = 0; h < failing; h++) {
                String hostId = "batch-f" + h;
                probe.sendEvent(Fixtures.numaHost(hostId, 1, 4, 4096, 0, rack));
                for (Tier tier : List.of(Tier.GOLD, Tier.SILVER)) {
                    String vmId = hostId + "-" + tier.name().toLowerCase(Locale.ROOT);
                    probe.sendEvent(new VmSpec(vmId, vmId, 1, tier == Tier.GOLD ? 1536 : 512, tier, HaPolicy.RESTART,
                            0, Map.of(), Instant.now(), null, null, null, null, List.of(), List.of(), rack));
                    probe.sendEvent(new Placement(vmId, hostId, 1, List.of(), "seed", null, Instant.now()));
                }
                probe.sendEvent(new HostHealthChange(hostId, HostState.ONLINE, HostState.DOWN, List.of("test"),
                        "inc-batch-" + h, Instant.now()));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> view.read(l -> {
                for (int h = 0; h < failing; h++) {
                    if (l.vmIdsPlacedOn("batch-f" + h).size() != 2
                            || l.host("batch-f" + h).map(x -> x.state() != HostState.DOWN).orElse(true)) {
                        return false;
                    }
                }
                return l.host("batch-s2").isPresent();
            }));

            // Sent one after the other to the running listener: the first one opens the gather window (2 s here).
            long decisions = evacuationDecisions();
            for (int h = 0; h < failing; h++) {
                probe.sendEvent(new EvacuationRequest("req-batch-" + h, "inc-batch-" + h, List.of("batch-f" + h),
                        Instant.now()));
            }

            List<EvacuationPlan> plans = new ArrayList<>();
            for (int h = 0; h < failing; h++) {
                String requestId = "req-batch-" + h;
                plans.add(log.await(EvacuationPlan.class, p -> p.requestId().equals(requestId)));
            }
            for (int h = 0; h < failing; h++) {
                EvacuationPlan plan = plans.get(h);
                assertThat(plan.incidentId()).isEqualTo("inc-batch-" + h);
                for (EvacuationPlan.Assignment a : plan.assignments()) {
                    assertThat(a.fromHostId()).isEqualTo("batch-f" + h);
                    assertThat(a.targetHostId()).isIn("batch-s1", "batch-s2");
                    assertThat(a.placement().reason()).isEqualTo("evacuation of batch-f" + h);
                    // Published no later than the plan (send timestamps, ms resolution: catches a reversed order,
                    // not the acknowledgement itself, which publishEvacuations awaits before sending plans).
                    Placement published = log.await(Placement.class, a.placement()::equals);
                    assertThat(log.timestamp(published)).isLessThanOrEqualTo(log.timestamp(plan));
                }
            }
            List<EvacuationPlan.Assignment> assigned = plans.stream().flatMap(p -> p.assignments().stream()).toList();
            List<EvacuationPlan.Unplaced> unplaced = plans.stream().flatMap(p -> p.unplaced().stream()).toList();
            assertThat(assigned).filteredOn(a -> a.spec().tier() == Tier.GOLD).hasSize(failing);
            assertThat(assigned).filteredOn(a -> a.spec().tier() == Tier.SILVER).hasSize(2);
            assertThat(unplaced).hasSize(2).allSatisfy(u -> assertThat(u.tier()).isEqualTo(Tier.SILVER));
            assertThat(evacuationDecisions()).as("one decision for the whole batch").isEqualTo(decisions + 1);
            // Acknowledged once answered: the group's offset reaches the end of the request topic.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.getBrokersAsString()))) {
                TopicPartition partition = new TopicPartition(Topic.Names.PLACEMENT_REQUESTS, 0);
                long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get()
                        .offset();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    OffsetAndMetadata committed = admin.listConsumerGroupOffsets(ListenerIds.EVACUATION_REQUESTS)
                            .partitionsToOffsetAndMetadata().get().get(partition);
                    return committed != null && committed.offset() == end;
                });
            }

            // Leave the view as found (the other test's N+1 admission counts every host and VM).
            List<String> hostIds = new ArrayList<>(List.of("batch-s1", "batch-s2"));
            for (int h = 0; h < failing; h++) {
                hostIds.add("batch-f" + h);
                for (String vmId : List.of("batch-f" + h + "-gold", "batch-f" + h + "-silver")) {
                    publisher.tombstone(Topic.PLACEMENTS, vmId).get();
                    publisher.tombstone(Topic.VM_SPECS, vmId).get();
                }
            }
            for (String hostId : hostIds) {
                publisher.tombstone(Topic.HOST_INVENTORY, hostId).get();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> view.read(l ->
                    hostIds.stream().noneMatch(h -> l.host(h).isPresent()) && l.vmIdsPlacedOn("batch-s1").isEmpty()
                            && l.vmIdsPlacedOn("batch-s2").isEmpty()));
        }
    }

    private long evacuationDecisions() {
        Timer timer = meters.find("kvmha.placement.decision").tag("kind", "evacuation").timer();
        return timer == null ? 0 : timer.count();
    }

    static void awaitListenersAssigned(KafkaListenerEndpointRegistry listeners) {
        for (String id : List.of(ListenerIds.HOST_INVENTORY, ListenerIds.HOST_HEALTH, ListenerIds.VM_SPECS,
                ListenerIds.PLACEMENTS)) {
            ContainerTestUtils.waitForAssignment(listeners.getListenerContainer(id), 6);
        }
        ContainerTestUtils.waitForAssignment(listeners.getListenerContainer(ListenerIds.EVACUATION_REQUESTS), 1);
    }

    static HostInventory inventory(String hostId, long memoryMib) {
        HostInventory sample = SampleEvents.inventory(hostId);
        return new HostInventory(hostId, sample.hostUuid(), sample.libvirtUri(), sample.cpuModel(), 8,
                memoryMib * 1024 * 1024, sample.numaCells(), sample.hypervisorType(), sample.libvirtVersion(),
                sample.hypervisorVersion(), true, sample.labels(), Instant.now());
    }
}
