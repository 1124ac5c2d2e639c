package io.kvmha.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.spring.EventPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/alerts}: the active alerts as {@code kvmha alerts} shows them. */
class AlertsApiIT extends EmbeddedKafkaContext {

    static final String HOST = "h-alerts-api";
    static final Instant DOWN_AT = Instant.parse("2026-11-27T13:00:00Z");

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    EventPublisher publisher;

    @Test
    void aFiringAlertIsListedWithItsLabelsAnnotationsAndStartUntilItResolves() throws Exception {
        publisher.publish(new HostHealthChange(HOST, HostState.ONLINE, HostState.DOWN, List.of("no heartbeat for 2 s"),
                "inc-alerts-api", DOWN_AT)).get();

        JsonNode alert = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> alertOf(get("/api/v1/alerts").body()), a -> a != null);
        assertThat(alert.get("name").asString()).isEqualTo("KvmHostDown");
        assertThat(alert.get("state").asString()).isEqualTo("FIRING");
        assertThat(alert.get("severity").asString()).isEqualTo("CRITICAL");
        assertThat(alert.get("labels").get("severity").asString()).isEqualTo("critical");
        assertThat(alert.get("annotations").get("summary").asString()).isEqualTo("Host " + HOST + " is down");
        assertThat(Instant.parse(alert.get("startsAt").asString())).isEqualTo(DOWN_AT);
        assertThat(alert.get("fingerprint").asString()).matches("[0-9a-f]{16}");

        assertThat(alertOf(get("/api/v1/alerts?severity=critical").body())).isNotNull();
        assertThat(alertOf(get("/api/v1/alerts?severity=WARNING").body())).as("filtered by severity").isNull();

        publisher.publish(new HostHealthChange(HOST, HostState.DOWN, HostState.ONLINE, List.of("heartbeat resumed"),
                "inc-alerts-api", DOWN_AT.plusSeconds(60))).get();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> alertOf(get("/api/v1/alerts").body()) == null);
    }

    @Test
    void anUnknownSeverityIsAProblemNamingTheValueAndTheChoices() throws Exception {
        HttpResponse<String> response = get("/api/v1/alerts?severity=urgent");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("title").asString()).isEqualTo("Unknown severity");
        assertThat(problem.get("detail").asString()).contains("'urgent'").contains("critical", "warning", "info");
    }

    private JsonNode alertOf(String body) {
        return StreamSupport.stream(json.readTree(body).spliterator(), false)
                .filter(a -> HOST.equals(a.path("labels").path("host").asString(null)))
                .findFirst().orElse(null);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
