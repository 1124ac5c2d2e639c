package io.kvmha.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

/** Grafana's view: the metrics the dashboards query, over HTTP in Prometheus text format. */
class PrometheusEndpointIT extends EmbeddedKafkaContext {

    final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void servesTheClusterMetricsInPrometheusTextFormat() throws Exception {
        HttpResponse<String> response = get(port, "/actuator/prometheus");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body())
                .contains("# TYPE kvmha_hosts gauge")
                .containsPattern("(?m)^kvmha_hosts\\{.*state=\"down\".*} \\d")
                .containsPattern("(?m)^kvmha_hosts\\{.*state=\"online\".*} \\d")
                .contains("# TYPE kvmha_alerts_published_total counter")
                .containsPattern("(?m)^kvmha_alerts_published_total\\{.*alertname=\"KvmHostDown\".*status=\"firing\".*} \\d")
                .contains("# TYPE kvmha_alerts_firing gauge")
                .containsPattern("(?m)^kvmha_alerts_firing\\{.*severity=\"critical\".*} \\d")
                .contains("# TYPE kvmha_incidents gauge");
    }

    @Test
    void theApplicationBuilderStartsASecondInstanceInTheSameJvm() throws Exception {
        // The production entry point, beside the test's instance: no static state, its own meter registry.
        try (ConfigurableApplicationContext second = MonitorApplication.builder().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--spring.kafka.consumer.group-id=monitor-service-second")) {
            int secondPort = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
            assertThat(second.getEnvironment().getProperty("spring.application.name")).isEqualTo("monitor-service");

            assertThat(get(secondPort, "/actuator/health").body()).contains("\"UP\"");
            assertThat(get(secondPort, "/actuator/prometheus").body()).contains("kvmha_hosts{");
        }
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
