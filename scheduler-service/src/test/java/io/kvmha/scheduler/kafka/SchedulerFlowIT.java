package io.kvmha.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.core.ClusterView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

/** The walking skeleton's scheduler half, on a real broker: create a VM, then evacuate its host. */
@SpringBootTest(properties = {
    "spring.config.name=scheduler-service",
    "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
    "kvmha.kafka.source=/kvmha/scheduler-flow-it"})
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

    @Test
    void createsAVmThenEvacuatesItsHost() throws Exception {
        awaitListenersAssigned(listeners);
        try (DeadLetterProbe probe = new DeadLetterProbe(broker.getBrokersAsString());
             EventLog log = new EventLog(broker.getBrokersAsString(),
                     Topic.VM_SPECS, Topic.PLACEMENTS, Topic.HOST_COMMANDS, Topic.PLACEMENT_PLANS)) {
            probe.sendEvent(inventory("h1", 16384));
            probe.sendEvent(inventory("h2", 8192));
            await().atMost(Duration.ofSeconds(20)).until(() -> view.read(l -> l.hosts().size() == 2));

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
