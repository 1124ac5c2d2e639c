package io.kvmha.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.testing.BodyFuzzer;
import io.kvmha.contracts.testing.BodyFuzzer.Mutation;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Seeded fuzzing of the scheduler's POST endpoints (create VM, migrate, drain, undrain) with malformed, truncated,
 * oversized, deeply nested and wrongly typed bodies: every answer is a success for an input that happens to be
 * valid, or a 4xx RFC 9457 problem; never a 5xx. A failure prints the seed, the case and the body.
 */
@SpringBootTest(properties = {
    "spring.config.name=scheduler-service",
    "spring.kafka.listener.auto-startup=false",
    "kvmha.kafka.create-topics=false",
    "kvmha.scheduler.tier-quotas.gold=1", "kvmha.scheduler.tier-quotas.silver=1",
    "kvmha.scheduler.tier-quotas.bronze=1", "kvmha.scheduler.failover-host-failures=0",
    "kvmha.scheduler.single-placer=false"})
@AutoConfigureMockMvc
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VmApiFuzzTest {

    private static final long SEED = 20261127L;
    private static final int CASES = 150;

    @Autowired
    MockMvc mvc;
    @Autowired
    ClusterView view;
    @MockitoBean
    EventPublisher publisher;

    @BeforeEach
    void twoHosts() {
        view.applyInventory(Fixtures.numaHost("h1", 1, 2, 1 << 20, 0, Map.of("rack", "r1")));
        view.applyInventory(Fixtures.numaHost("h2", 1, 2, 1 << 20, 0, Map.of("rack", "r1")));
        when(publisher.publish(any())).thenReturn(CompletableFuture.completedFuture(null));
        when(publisher.tombstone(any(), any())).thenReturn(CompletableFuture.completedFuture(null));
    }

    private static Map<String, Object> validVm(BodyFuzzer fuzzer) {
        Map<String, Object> vm = new LinkedHashMap<>();
        vm.put("name", "fuzz-" + fuzzer.random().nextInt(1_000_000));
        vm.put("vcpus", 1);
        vm.put("memoryMib", 64);
        vm.put("tier", "GOLD");
        vm.put("haPolicy", "RESTART");
        vm.put("priority", 5);
        vm.put("labels", Map.of("app", "web"));
        vm.put("numaNodes", 1);
        vm.put("cpuPolicy", "SHARED");
        vm.put("hugepageSizeKib", 2048);
        vm.put("affinityGroups", List.of("g1"));
        vm.put("antiAffinityGroups", List.of());
        vm.put("hostLabels", Map.of("rack", "r1"));
        return vm;
    }

    @ParameterizedTest
    @EnumSource(Mutation.class)
    void createVmNeverAnswers5xx(Mutation mutation) throws Exception {
        BodyFuzzer fuzzer = new BodyFuzzer(SEED ^ mutation.ordinal());
        for (int i = 0; i < mutation.cases(CASES); i++) {
            byte[] body = fuzzer.mutate(mutation, validVm(fuzzer), i);
            check(mvc.perform(post("/api/v1/vms").contentType(MediaType.APPLICATION_JSON).content(body))
                    .andReturn().getResponse(), mutation, i, body);
        }
    }

    @ParameterizedTest
    @EnumSource(Mutation.class)
    void migrateDrainAndUndrainNeverAnswer5xx(Mutation mutation) throws Exception {
        BodyFuzzer fuzzer = new BodyFuzzer(SEED ^ (mutation.ordinal() + 100));
        for (int i = 0; i < mutation.cases(CASES / 3); i++) {
            byte[] body = fuzzer.mutate(mutation, Map.of("targetHostId", "h2"), i);
            String id = fuzzer.pathSegment("h1");
            for (String path : List.of("/api/v1/vms/" + id + "/migrate", "/api/v1/hosts/" + id + "/drain",
                    "/api/v1/hosts/" + id + "/undrain")) {
                check(mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(body))
                        .andReturn().getResponse(), mutation, i, body);
            }
        }
    }

    private static void check(MockHttpServletResponse response, Mutation mutation, int i, byte[] body) throws Exception {
        String where = "seed " + SEED + " " + mutation + " #" + i + " body " + BodyFuzzer.preview(body) + " -> "
                + response.getStatus() + " " + response.getContentAsString(StandardCharsets.UTF_8);
        assertThat(response.getStatus()).as(where).isLessThan(500);
        if (response.getStatus() >= 400) {
            assertThat(response.getContentType()).as(where).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        }
    }
}
