package io.kvmha.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasSize;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.scheduler.core.ClusterSnapshot;
import io.kvmha.scheduler.core.ClusterView;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * The REST API against the real controllers, core and error handling, with the Kafka publisher mocked
 * and listeners not started (no broker needed); the Kafka path is covered by the integration tests.
 */
@SpringBootTest(properties = {
    "spring.config.name=scheduler-service",
    "spring.kafka.listener.auto-startup=false",
    "kvmha.kafka.create-topics=false"})
@AutoConfigureMockMvc
class VmApiTest {

    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    @Autowired
    MockMvc mvc;
    @Autowired
    ClusterView view;
    @Autowired
    MeterRegistry meters;
    @MockitoBean
    EventPublisher publisher;

    @BeforeEach
    void emptyClusterWithTwoHosts() {
        ClusterSnapshot old = view.snapshot();
        old.hosts().forEach(h -> view.removeHost(h.hostId()));
        old.vms().forEach(vm -> {
            view.deleteSpec(vm.vmId());
            view.removePlacement(vm.vmId());
        });
        view.applyInventory(inventory("h1", 4096));
        view.applyInventory(inventory("h2", 4096));
        clearInvocations(publisher);
        when(publisher.publish(any())).thenReturn(CompletableFuture.completedFuture(null));
    }

    private static HostInventory inventory(String hostId, long memoryMib) {
        HostInventory sample = SampleEvents.inventory(hostId);
        return new HostInventory(hostId, sample.hostUuid(), sample.libvirtUri(), sample.cpuModel(), 4,
                memoryMib * 1024 * 1024, sample.numaCells(), sample.hypervisorType(), sample.libvirtVersion(),
                sample.hypervisorVersion(), true, sample.labels(), sample.observedAt());
    }

    private ResultActions create(String json) throws Exception {
        return mvc.perform(post("/api/v1/vms").contentType(MediaType.APPLICATION_JSON).content(json));
    }

    private ResultActions create(String name, long memoryMib) throws Exception {
        return create("""
                {"name":"%s","vcpus":2,"memoryMib":%d,"tier":"GOLD","labels":{"app":"web"}}""".formatted(name, memoryMib));
    }

    @Test
    void createsAVmPublishesSpecPlacementAndCommandAndShowsIt() throws Exception {
        String body = create("web-1", 1024)
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", containsString("/api/v1/vms/")))
                .andExpect(jsonPath("$.name").value("web-1"))
                .andExpect(jsonPath("$.hostId").value("h1"))
                .andExpect(jsonPath("$.tier").value("GOLD"))
                .andExpect(jsonPath("$.haPolicy").value("RESTART"))
                .andExpect(jsonPath("$.priority").value(0))
                .andExpect(jsonPath("$.vcpus").value(2))
                .andExpect(jsonPath("$.memoryMib").value(1024))
                .andExpect(jsonPath("$.placementGeneration").value(1))
                .andReturn().getResponse().getContentAsString();
        String vmId = body.replaceAll(".*\"vmId\":\"([^\"]+)\".*", "$1");

        ArgumentCaptor<KvmHaEvent> sent = ArgumentCaptor.forClass(KvmHaEvent.class);
        verify(publisher, atLeastOnce()).publish(sent.capture());
        assertThat(sent.getAllValues()).hasSize(3);
        VmSpec spec = (VmSpec) sent.getAllValues().get(0);
        Placement placement = (Placement) sent.getAllValues().get(1);
        HostCommand command = (HostCommand) sent.getAllValues().get(2);
        assertThat(spec.vmId()).isEqualTo(vmId);
        assertThat(spec.labels()).containsEntry("app", "web");
        assertThat(placement.hostId()).isEqualTo("h1");
        assertThat(placement.generation()).isEqualTo(1);
        assertThat(command.action()).isEqualTo(HostCommand.Action.DEFINE_AND_START);
        assertThat(command.hostId()).isEqualTo("h1");
        assertThat(command.spec()).isEqualTo(spec);
        assertThat(command.placementGeneration()).isEqualTo(1);
        assertThat(command.issuedBy()).isEqualTo("scheduler-service");
        assertThat(Duration.between(command.issuedAt(), command.deadline())).isEqualTo(Duration.ofSeconds(60));

        mvc.perform(get("/api/v1/vms/" + vmId))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.hostId").value("h1"))
                .andExpect(jsonPath("$.vmId").value(vmId));
        mvc.perform(get("/api/v1/vms")).andExpect(jsonPath("$", hasSize(1)));
        mvc.perform(get("/api/v1/hosts"))
                .andExpect(jsonPath("$", hasSize(2)))
                .andExpect(jsonPath("$[0].hostId").value("h1"))
                .andExpect(jsonPath("$[0].state").value("ONLINE"))
                .andExpect(jsonPath("$[0].claimedMemoryBytes").value(1024L * 1024 * 1024))
                .andExpect(jsonPath("$[0].claimedVcpus").value(2))
                .andExpect(jsonPath("$[0].vcpuCapacity").value(16))
                .andExpect(jsonPath("$[0].vmCount").value(1))
                .andExpect(jsonPath("$[1].vmCount").value(0));
        assertThat(meters.get("kvmha.placements").tag("kind", "create").tag("outcome", "placed").counter().count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void fastConsecutiveCreatesNeverDoubleBookAndTheLastIsRefusedWithTheReason() throws Exception {
        create("a", 2048).andExpect(jsonPath("$.hostId").value("h1"));
        create("b", 2048).andExpect(jsonPath("$.hostId").value("h2"));
        create("c", 2048).andExpect(jsonPath("$.hostId").value("h1"));
        create("d", 2048).andExpect(jsonPath("$.hostId").value("h2"));
        create("e", 2048)
                .andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                .andExpect(jsonPath("$.title").value("No host fits"))
                .andExpect(jsonPath("$.detail").value(
                        "no host fits vm e (2 vCPUs, 2048 MiB) among 2 hosts: short of memory: h1 (0 MiB unclaimed), "
                                + "h2 (0 MiB unclaimed)"));
    }

    @Test
    void duplicateNameIsAConflict() throws Exception {
        create("web-1", 16).andExpect(status().isCreated());
        create("web-1", 16)
                .andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                .andExpect(jsonPath("$.detail", containsString("a VM named 'web-1' already exists")));
    }

    @Test
    void unknownVmIsNotFound() throws Exception {
        mvc.perform(get("/api/v1/vms/no-such-vm"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.detail").value("no VM with id no-such-vm"));
    }

    @Test
    void constraintViolationsNameTheFieldAndTheRule() throws Exception {
        expectInvalid("""
                {"name":"-bad","vcpus":2,"memoryMib":1024,"tier":"GOLD"}""", "name", "Pattern");
        expectInvalid("""
                {"name":"ok","vcpus":0,"memoryMib":1024,"tier":"GOLD"}""", "vcpus", "Min");
        expectInvalid("""
                {"name":"ok","vcpus":257,"memoryMib":1024,"tier":"GOLD"}""", "vcpus", "Max");
        expectInvalid("""
                {"name":"ok","vcpus":1,"memoryMib":8,"tier":"GOLD"}""", "memoryMib", "Min");
        expectInvalid("""
                {"name":"ok","vcpus":1,"memoryMib":4194305,"tier":"GOLD"}""", "memoryMib", "Max");
        expectInvalid("""
                {"name":"ok","vcpus":1,"memoryMib":1024}""", "tier", "NotNull");
        expectInvalid("""
                {"name":"%s","vcpus":1,"memoryMib":1024,"tier":"GOLD"}""".formatted("a".repeat(64)), "name", "Pattern");
    }

    @Test
    void unreadableBodiesNameTheField() throws Exception {
        expectInvalid("""
                {"name":"ok","vcpus":1,"memoryMib":1024,"tier":"PLATINUM"}""", "tier", "enum")
                .andExpect(jsonPath("$.detail", containsString("[GOLD, SILVER, BRONZE]")));
        expectInvalid("""
                {"name":"ok","vcpus":1,"memoryMib":1024,"tier":"GOLD","haPolicy":"SOMETIMES"}""", "haPolicy", "enum");
        expectInvalid("""
                {"name":"ok","vcpus":"many","memoryMib":1024,"tier":"GOLD"}""", "vcpus", "type");
        expectInvalid("""
                {"name":"ok","vcpus":1,"memoryMib":1024,"tier":"GOLD",""", null, "json");
        expectInvalid("""
                {"name":"ok","vcpus":1,"memoryMib":}""", "memoryMib", "json");
    }

    private ResultActions expectInvalid(String json, String field, String rule) throws Exception {
        ResultActions result = create(json)
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                .andExpect(jsonPath("$.title").value("Invalid request"))
                .andExpect(jsonPath("$.errors[0].rule").value(rule));
        if (field != null) {
            result.andExpect(jsonPath("$.errors[0].field").value(field))
                    .andExpect(jsonPath("$.detail", containsString(field + ": ")));
        }
        return result;
    }

    @Test
    void aCreateKafkaDidNotAcknowledgeIsRefusedAndReleasesItsClaim() throws Exception {
        when(publisher.publish(any())).thenReturn(CompletableFuture.failedFuture(new IllegalStateException("broker down")));
        create("lost", 4096)
                .andExpect(status().isServiceUnavailable())
                .andExpect(content().contentTypeCompatibleWith(PROBLEM));
        assertThat(view.snapshot().vms()).isEmpty();

        when(publisher.publish(any())).thenReturn(CompletableFuture.completedFuture(null));
        create("lost", 4096).andExpect(status().isCreated());
    }

    @Test
    void prometheusShowsThePlacementMetrics() throws Exception {
        create("metered", 16).andExpect(status().isCreated());
        mvc.perform(get("/actuator/prometheus"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("kvmha_placements_total{kind=\"create\",outcome=\"placed\"}")))
                .andExpect(content().string(containsString("kvmha_placement_decision_seconds_count{kind=\"create\"}")))
                .andExpect(content().string(containsString("kvmha_cluster_free_memory_bytes " + (double) (8192L - 16) * 1024 * 1024)));
    }

    @Test
    void locationPointsAtTheNewVm() throws Exception {
        String location = create("located", 16).andReturn().getResponse().getHeader("Location");
        assertThat(location).isNotNull();
        mvc.perform(get(location)).andExpect(status().isOk()).andExpect(jsonPath("$.name").value("located"));
        assertThat(List.of(location)).allSatisfy(l -> assertThat(l).matches(".*/api/v1/vms/[0-9a-f-]{36}"));
    }
}
