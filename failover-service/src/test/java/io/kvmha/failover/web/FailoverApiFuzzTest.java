package io.kvmha.failover.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.testing.BodyFuzzer;
import io.kvmha.contracts.testing.BodyFuzzer.Mutation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * Seeded fuzzing of the failover service's mutating endpoints (drain, maintenance on/off, fence, guard release)
 * on a real port with malformed, truncated, oversized, deeply nested and wrongly typed bodies: every answer is a
 * success for an input that happens to be valid, or a 4xx RFC 9457 problem; never a 5xx. No broker: the publisher
 * is mocked and listeners do not start. A failure prints the seed, the case and the body.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.config.name=failover-service",
    "server.address=127.0.0.1",
    "spring.kafka.listener.auto-startup=false",
    "kvmha.kafka.create-topics=false"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverApiFuzzTest {

    private static final long SEED = 20261127L;
    private static final int CASES = 40;

    @LocalServerPort
    int port;
    @MockitoBean
    EventPublisher publisher;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void publishingSucceeds() {
        when(publisher.publish(any())).thenReturn(CompletableFuture.completedFuture(null));
        when(publisher.tombstone(any(), any())).thenReturn(CompletableFuture.completedFuture(null));
    }

    private static Map<String, Object> validBody(BodyFuzzer fuzzer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("moves", List.of(Map.of("vmId", "vm-" + fuzzer.random().nextInt(100), "targetHostId", "h2",
                "fallback", "ABORT")));
        body.put("parallelism", 2);
        body.put("deadlineSeconds", 600);
        body.put("reason", "fuzz");
        body.put("force", false);
        return body;
    }

    @ParameterizedTest
    @EnumSource(Mutation.class)
    void mutatingEndpointsNeverAnswer5xx(Mutation mutation) throws Exception {
        BodyFuzzer fuzzer = new BodyFuzzer(SEED ^ mutation.ordinal());
        Map<String, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < mutation.cases(CASES); i++) {
            byte[] body = fuzzer.mutate(mutation, validBody(fuzzer), i);
            String host = fuzzer.pathSegment("h1");
            for (String[] call : List.of(
                    new String[] {"POST", "/api/v1/hosts/" + host + "/drain"},
                    new String[] {"POST", "/api/v1/hosts/" + host + "/maintenance"},
                    new String[] {"DELETE", "/api/v1/hosts/" + host + "/maintenance"},
                    new String[] {"POST", "/api/v1/hosts/" + host + "/fence"},
                    new String[] {"POST", "/api/v1/guard/hosts/" + host + "/release"})) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + call[1]))
                        .method(call[0], HttpRequest.BodyPublishers.ofByteArray(body))
                        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                String where = "seed " + SEED + " " + mutation + " #" + i + " " + call[0] + " " + call[1] + " body "
                        + BodyFuzzer.preview(body) + " -> " + response.statusCode() + " " + response.body();
                String endpoint = call[0] + " " + call[1].replaceAll("/hosts/[^/]+/", "/hosts/*/");
                statuses.merge(endpoint + " " + response.statusCode(), 1, Integer::sum);
                assertThat(response.statusCode()).as(where).isLessThan(500);
                if (response.statusCode() >= 400) {
                    assertThat(response.headers().firstValue("Content-Type")).as(where)
                            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                }
            }
        }
        // The fuzz reached the request parsing and validation, not only a router's 404.
        assertThat(statuses.keySet()).as(statuses.toString()).anyMatch(k -> k.endsWith(" 400"));
    }
}
