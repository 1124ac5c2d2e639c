package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard queries over other services' metrics (deploy/grafana/queries-checked-later.txt; the
 * monitor's own are checked in monitor-service) evaluated against a real Prometheus that scraped every
 * running service during a power-loss scenario: each must succeed and return series.
 */
class DashboardQueriesIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private final JsonHttp http = new JsonHttp();

    @Test
    void everyPanelQueryOverTheOtherServicesReturnsSeries() throws Exception {
        List<String> queries = Files.readAllLines(ROOT.resolve("deploy/grafana/queries-checked-later.txt")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(queries).isNotEmpty();
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(3, false, List.of()).withBmc())) {
            Process prometheus = startPrometheus(cluster);
            try {
                String api = prometheusUrl;
                await("Prometheus scrapes every service").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> upTargets(api) >= 6);
                await().atMost(Duration.ofSeconds(30)).until(() -> http.get(cluster.schedulerUrl() + "/api/v1/hosts").body().size() == 3
                        && LocalClusterMain.hostsHeard(http, cluster) == 3);
                for (int i = 0; i < 3; i++) {
                    JsonHttp.Response created = http.post(cluster.schedulerUrl() + "/api/v1/vms", Map.of(
                            "name", "dash-" + i, "vcpus", 1, "memoryMib", 256, "tier", "GOLD", "haPolicy", "RESTART"));
                    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
                }
                String victim = http.get(cluster.schedulerUrl() + "/api/v1/vms").body().get(0).get("hostId").asString();
                cluster.powerLoss(victim);
                await("the incident closes").atMost(Duration.ofSeconds(30)).until(() -> {
                    JsonNode incidents = http.get(cluster.failoverUrl() + "/api/v1/incidents").body();
                    return incidents.size() > 0 && "RECOVERED".equals(incidents.get(0).get("status").asString());
                });
                // Rates and increases need samples before and after: let a few scrapes pass.
                await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);

                List<String> empty = new ArrayList<>();
                for (String query : queries) {
                    JsonHttp.Response response = http.get(api + "/api/v1/query?query="
                            + URLEncoder.encode(query, StandardCharsets.UTF_8));
                    assertThat(response.status()).as("query %s: %s", query, response.body()).isEqualTo(200);
                    assertThat(response.body().get("status").asString()).as(query).isEqualTo("success");
                    if (response.body().get("data").get("result").isEmpty()) {
                        empty.add(query);
                    }
                }
                assertThat(empty).as("panel queries that returned no series").isEmpty();
                lintScrapes(cluster);
                System.out.println("dashboard queries: " + queries.size() + " panel queries over the services' metrics "
                        + "returned series from a real Prometheus");
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        }
    }

    /**
     * {@code promtool check metrics} on every service's scrape: none of kvm-ha's own metrics may break
     * Prometheus naming (client-library metrics such as Kafka's are not ours to rename).
     */
    private void lintScrapes(LocalCluster cluster) throws Exception {
        List<String> urls = new ArrayList<>(List.of(cluster.schedulerUrl(), cluster.failoverUrl(), cluster.monitorUrl()));
        cluster.runningHosts().forEach(h -> urls.add(cluster.agentUrl(h)));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (String url : urls) {
            String scrape = client.send(java.net.http.HttpRequest.newBuilder(URI.create(url + "/actuator/prometheus")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(scrape).contains("kvmha_");
            Process promtool = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            promtool.waitFor(30, TimeUnit.SECONDS);
            List<String> ours = lint.lines().filter(l -> l.startsWith("kvmha_")).toList();
            System.out.println("$ promtool check metrics < " + url + "/actuator/prometheus: "
                    + (ours.isEmpty() ? "no problems in kvmha_* metrics" : ours));
            assertThat(ours).as("promtool check metrics on %s", url).isEmpty();
        }
    }

    private String prometheusUrl;

    private Process startPrometheus(LocalCluster cluster) throws IOException {
        Path dir = Files.createTempDirectory("kvmha-prometheus");
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                """);
        List<String[]> targets = new ArrayList<>();
        targets.add(new String[] {"scheduler-service", cluster.schedulerUrl()});
        targets.add(new String[] {"failover-service", cluster.failoverUrl()});
        targets.add(new String[] {"monitor-service", cluster.monitorUrl()});
        for (String host : cluster.runningHosts()) {
            targets.add(new String[] {"host-agent", cluster.agentUrl(host)});
        }
        int i = 0;
        for (String[] target : targets) {
            config.append("  - job_name: ").append(target[0]).append("-").append(i++).append('\n')
                    .append("    metrics_path: /actuator/prometheus\n")
                    .append("    static_configs:\n")
                    .append("      - targets: [\"").append(URI.create(target[1]).getAuthority()).append("\"]\n");
        }
        Path file = Files.writeString(dir.resolve("prometheus.yml"), config.toString());
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        prometheusUrl = "http://127.0.0.1:" + port;
        System.out.println("starting: /usr/bin/prometheus on 127.0.0.1:" + port + " scraping " + targets.size() + " services");
        return new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    private int upTargets(String api) {
        try {
            JsonNode result = http.get(api + "/api/v1/query?query=" + URLEncoder.encode("up == 1", StandardCharsets.UTF_8))
                    .body().path("data").path("result");
            return result.size();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
