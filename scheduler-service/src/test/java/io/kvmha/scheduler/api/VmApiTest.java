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
import io.kvmha.scheduler.core.Fixtures;
import io.kvmha.scheduler.core.HostLedger;
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
    "kvmha.kafka.create-topics=false",
    // These tests are about the API, not the policies: no tier quotas, no failover reserve.
    "kvmha.scheduler.tier-quotas.gold=1", "kvmha.scheduler.tier-quotas.silver=1",
    "kvmha.scheduler.tier-quotas.bronze=1", "kvmha.scheduler.failover-host-failures=0",
    "kvmha.scheduler.single-placer=false"})
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
        view.read(l -> l.hosts().stream().map(HostLedger::hostId).toList()).forEach(view::removeHost);
        view.read(l -> l.specs().stream().map(VmSpec::vmId).toList()).forEach(vmId -> {
            view.deleteSpec(vmId);
            view.removePlacement(vmId);
        });
        view.exclusively(() -> {
            view.ledger().setDraining("h1", false);
            view.ledger().setDraining("h2", false);
            return null;
        });
        view.applyInventory(inventory("h1", 4096));
        view.applyInventory(inventory("h2", 4096));
        clearInvocations(publisher);
        when(publisher.publish(any())).thenReturn(CompletableFuture.completedFuture(null));
        when(publisher.tombstone(any(), any())).thenReturn(CompletableFuture.completedFuture(null));
    }

    private static HostInventory inventory(String hostId, long memoryMib) {
        return Fixtures.numaHost(hostId, 1, 2, memoryMib, 0, java.util.Map.of("rack", "r1"));
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
                        "no host fits vm e (2 vCPUs shared, 2048 MiB) among 2 hosts: no NUMA fit: h1 (cell 0: 0 MiB, "
                                + "12 shared vCPUs, 4 unpinned CPUs free), h2 (cell 0: 0 MiB, 12 shared vCPUs, "
                                + "4 unpinned CPUs free)"));
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
        assertThat(view.<Integer>read(l -> l.specs().size())).isZero();

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

    @Test
    void impossibleSpecsNameTheFieldAndTheRule() throws Exception {
        expectInvalid("""
                {"name":"ok","vcpus":3,"memoryMib":1024,"tier":"GOLD","numaNodes":2}""", "numaNodes", "divisible");
        expectInvalid("""
                {"name":"ok","vcpus":2,"memoryMib":1024,"tier":"GOLD","cpuThreadPolicy":"ISOLATE"}""",
                "cpuThreadPolicy", "requires-dedicated");
        expectInvalid("""
                {"name":"ok","vcpus":2,"memoryMib":1024,"tier":"GOLD","hugepageSizeKib":4096}""",
                "hugepageSizeKib", "supported-size");
        expectInvalid("""
                {"name":"ok","vcpus":2,"memoryMib":1024,"tier":"GOLD","numaNodes":9}""", "numaNodes", "Max");
    }

    @Test
    void createShowsTheExactNumaClaim() throws Exception {
        create("""
                {"name":"pinned","vcpus":2,"memoryMib":512,"tier":"GOLD","cpuPolicy":"DEDICATED"}""")
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.numaClaims[0].hostCell").value(0))
                .andExpect(jsonPath("$.numaClaims[0].vcpus", hasSize(2)))
                .andExpect(jsonPath("$.numaClaims[0].pins", hasSize(2)))
                .andExpect(jsonPath("$.numaClaims[0].memoryMib").value(512));
        mvc.perform(get("/api/v1/hosts/h1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.cells[0].cpus").value(4))
                .andExpect(jsonPath("$.cells[0].pinnedCpus").value(2));
        mvc.perform(get("/api/v1/hosts/nope")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("urn:kvmha:problem:host-not-found"));
    }

    @Test
    void deleteDestroysUndefinesAndTombstones() throws Exception {
        String body = create("gone", 256).andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        String vmId = com.jayway.jsonpath.JsonPath.read(body, "$.vmId");
        clearInvocations(publisher);
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/api/v1/vms/" + vmId))
                .andExpect(status().isNoContent());
        ArgumentCaptor<KvmHaEvent> sent = ArgumentCaptor.forClass(KvmHaEvent.class);
        verify(publisher, atLeastOnce()).publish(sent.capture());
        assertThat(sent.getAllValues()).filteredOn(HostCommand.class::isInstance).map(e -> ((HostCommand) e).action())
                .containsExactly(HostCommand.Action.DESTROY, HostCommand.Action.UNDEFINE);
        verify(publisher).tombstone(io.kvmha.contracts.topic.Topic.VM_SPECS, vmId);
        verify(publisher).tombstone(io.kvmha.contracts.topic.Topic.PLACEMENTS, vmId);
        mvc.perform(get("/api/v1/vms/" + vmId)).andExpect(status().isNotFound());
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/api/v1/vms/" + vmId))
                .andExpect(status().isNotFound());
    }

    @Test
    void drainPlansALiveMigrationTargetPerVmAndUndrainReadmits() throws Exception {
        create("a", 256).andExpect(jsonPath("$.hostId").value("h1"));
        create("b", 256).andExpect(jsonPath("$.hostId").value("h2"));
        mvc.perform(post("/api/v1/hosts/h1/drain"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.draining").value(true))
                .andExpect(jsonPath("$.moves", hasSize(1)))
                .andExpect(jsonPath("$.moves[0].name").value("a"))
                .andExpect(jsonPath("$.moves[0].targetHostId").value("h2"))
                .andExpect(jsonPath("$.moves[0].placementGeneration").value(2));
        mvc.perform(get("/api/v1/hosts/h1")).andExpect(jsonPath("$.draining").value(true));
        create("c", 256).andExpect(jsonPath("$.hostId").value("h2"));
        mvc.perform(post("/api/v1/hosts/h1/undrain")).andExpect(status().isNoContent());
        mvc.perform(get("/api/v1/hosts/h1")).andExpect(jsonPath("$.draining").value(false));
        mvc.perform(post("/api/v1/hosts/nope/drain")).andExpect(status().isNotFound());
        mvc.perform(post("/api/v1/hosts/nope/undrain")).andExpect(status().isNotFound());
    }

    @Test
    void migrateChoosesOrChecksATargetAndPublishesThePlacement() throws Exception {
        String body = create("m", 256).andReturn().getResponse().getContentAsString();
        String vmId = com.jayway.jsonpath.JsonPath.read(body, "$.vmId");
        mvc.perform(post("/api/v1/vms/" + vmId + "/migrate").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"targetHostId\":\"h2\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.moves[0].targetHostId").value("h2"));
        mvc.perform(get("/api/v1/vms/" + vmId)).andExpect(jsonPath("$.hostId").value("h2"))
                .andExpect(jsonPath("$.placementGeneration").value(2));
        mvc.perform(post("/api/v1/vms/" + vmId + "/migrate").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"targetHostId\":\"h2\"}"))
                .andExpect(status().isConflict());
        mvc.perform(post("/api/v1/vms/nope/migrate")).andExpect(status().isNotFound());
    }

    @Test
    void capacityShowsTiersAndHeadroom() throws Exception {
        create("cap", 1024).andExpect(status().isCreated());
        mvc.perform(get("/api/v1/capacity"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.hosts").value(2))
                .andExpect(jsonPath("$.memoryCapacityBytes").value(8L << 30))
                .andExpect(jsonPath("$.tiers", hasSize(3)))
                .andExpect(jsonPath("$.tiers[0].usedBytes").value(1L << 30))
                .andExpect(jsonPath("$.reserveHolds").value(true))
                .andExpect(jsonPath("$.headroomBytes").value((4L << 30) - (1L << 30)));
    }

    @Test
    void openApiDocumentsTheApi() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.paths['/api/v1/vms'].post").exists())
                .andExpect(jsonPath("$.paths['/api/v1/vms/{vmId}'].delete").exists())
                .andExpect(jsonPath("$.paths['/api/v1/hosts/{hostId}/drain'].post").exists())
                .andExpect(jsonPath("$.paths['/api/v1/capacity'].get").exists());
    }
}
