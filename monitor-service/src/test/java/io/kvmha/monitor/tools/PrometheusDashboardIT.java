package io.kvmha.monitor.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (Debian's, on a free loopback port) scrapes the running monitor-service (and the
 * real Alertmanager) while a small cluster scenario plays, loads the control-plane rules, and then
 * evaluates every Grafana panel query: each must succeed and return series. The queries over other
 * services' metrics are listed in deploy/grafana/queries-checked-later.txt and checked by system-tests' DashboardQueriesIT.
 * Also lints monitor-service's scrape output with {@code promtool check metrics}.
 */
class PrometheusDashboardIT extends RealToolsContext {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final long GIB = 1L << 30;

    @Autowired
    EventPublisher publisher;
    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void promtoolLintsTheScrapeOutput() throws Exception {
        RealTools.assumeInstalled(RealTools.PROMTOOL);
        String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        RealTools.Result result = RealTools.run(RealTools.repo(), scrape, RealTools.PROMTOOL.toString(), "check", "metrics");
        // promtool names each lint problem. None is allowed in kvm-ha's own metrics; the Kafka client's and
        // Micrometer binders' names (e.g. kafka_consumer_io_time_ns_total) have findings we cannot change.
        assertThat(result.output()).doesNotContain("error while linting");
        assertThat(result.output().lines().filter(l -> l.startsWith("kvmha_")).toList()).isEmpty();
        assertThat(scrape).contains("kvmha_hosts{", "kvmha_vms{", "kvmha_alerts_firing{", "kvmha_failover_headroom_bytes",
                "kvmha_vm_recovery_seconds_bucket{", "kvmha_monitor_last_evaluation_timestamp_seconds");
    }

    @Test
    void everyDashboardQueryReturnsSeriesFromARealPrometheus() throws Exception {
        RealTools.assumeInstalled(RealTools.PROMETHEUS);
        requireAlertmanager();
        Path dir = Files.createTempDirectory("prometheus-it");
        int promPort = RealTools.freePort();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                  external_labels:
                    cluster: kvm-ha
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: monitor-service
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                  - job_name: alertmanager
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(RealTools.deploy("prometheus/rules/kvm-ha-control-plane.yml"), port, alertmanager.port));
        try (RealTools.Server prometheus = new RealTools.Server(dir, promPort, List.of(RealTools.PROMETHEUS.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + promPort, "--log.level=warn"))) {
            prometheus.awaitReady("/-/ready", Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).until(() -> !query(prometheus, "up{job=\"monitor-service\"} == 1").isEmpty());

            playScenario();

            List<String> later = DashboardJsonTest.checkedLater();
            Map<String, String> problems = new LinkedHashMap<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                problems.clear();
                for (String q : DashboardJsonTest.queries("dash-h1")) {
                    if (later.contains(q.replace("dash-h1", "x"))) {
                        continue;
                    }
                    try {
                        if (query(prometheus, q).isEmpty()) {
                            problems.put(q, "no series");
                        }
                    } catch (AssertionError e) {
                        problems.put(q, e.getMessage());
                    }
                }
                return problems.isEmpty();
            });
            assertThat(problems).isEmpty();
            // Grafana's host variable: label_values(kvmha_host_memory_bytes, host)
            assertThat(series(prometheus, "kvmha_host_memory_bytes")).contains("dash-h1", "dash-h2");
            // Prometheus loaded the control-plane rules and evaluates them: the watchdog fires.
            assertThat(query(prometheus, "ALERTS{alertname=\"KvmHaWatchdog\", alertstate=\"firing\"}")).isNotEmpty();
            System.out.println("dashboard queries checked against Prometheus: " + DashboardJsonTest.queries("x").size()
                    + ", left to the system tests: " + later.size());
        }
    }

    void playScenario() throws Exception {
        Instant now = Instant.now();
        publisher.publish(new VmSpec("dash-vm1", "dash-vm1", 1, 1024, Tier.GOLD, HaPolicy.RESTART, 0, Map.of(), now)).get();
        publisher.publish(new VmSpec("dash-vm2", "dash-vm2", 1, 2048, Tier.SILVER, HaPolicy.RESTART, 0, Map.of(), now)).get();
        for (String host : List.of("dash-h1", "dash-h2")) {
            publisher.publish(new HostInventory(host, null, null, null, 8, 16 * GIB, List.of(
                    new HostInventory.NumaCell(0, 8 * GIB, 6 * GIB, List.of(), List.of()),
                    new HostInventory.NumaCell(1, 8 * GIB, 2 * GIB, List.of(), List.of())),
                    null, null, null, true, Map.of(), now)).get();
        }
        for (int i = 1; i <= 3; i++) {
            Instant t = Instant.now();
            publisher.publish(new HostHeartbeat("dash-h1", i, t, 1000, "test", HostHeartbeat.LibvirtConnectivity.CONNECTED,
                    List.of(new HostHeartbeat.DomainStatus("dash-vm1", "dash-vm1", DomainState.RUNNING)), false, false)).get();
            publisher.publish(new HostHeartbeat("dash-h2", i, t, 1000, "test", HostHeartbeat.LibvirtConnectivity.CONNECTED,
                    List.of(new HostHeartbeat.DomainStatus("dash-vm2", "dash-vm2", DomainState.RUNNING)), false, false)).get();
        }
        publisher.publish(new HostHealthChange("dash-h3", HostState.ONLINE, HostState.DOWN, List.of("test"), "inc-dash", now)).get();
        publisher.publish(new RecoveryRecord("inc-dash", "dash-h3", RecoveryRecord.Status.OPEN, "UNSAFE: no fencing configured",
                List.of(new RecoveryRecord.TimelineEntry(now, "detected", null)), List.of(), now)).get();
        publisher.publish(new RecoveryRecord("inc-dash-2", "dash-h3", RecoveryRecord.Status.RECOVERED,
                "UNSAFE: no fencing configured", List.of(new RecoveryRecord.TimelineEntry(now.minusSeconds(3), "detected", null)),
                List.of(new RecoveryRecord.VmRecovery("dash-vm1", Tier.GOLD, "dash-h3", "dash-h1",
                        RecoveryRecord.VmStatus.STARTED, null, now)), now)).get();
        try (DeadLetterProbe probe = new DeadLetterProbe(broker.getBrokersAsString())) {
            probe.sendMalformed(Topic.METRICS, "dash-h1", DeadLetterProbe.Malformed.BAD_JSON);
            probe.awaitDeadLetters(Topic.METRICS, 1, Duration.ofSeconds(20));
        }
    }

    List<JsonNode> query(RealTools.Server prometheus, String promql) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(prometheus.baseUrl()
                        + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.get("status").asString())) {
            throw new AssertionError("query failed: " + response.body());
        }
        List<JsonNode> out = new ArrayList<>();
        body.get("data").get("result").forEach(out::add);
        return out;
    }

    List<String> series(RealTools.Server prometheus, String metric) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(prometheus.baseUrl()
                + "/api/v1/label/host/values?match[]=" + URLEncoder.encode(metric, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> out = new ArrayList<>();
        JSON.readTree(response.body()).get("data").forEach(n -> out.add(n.asString()));
        return out;
    }
}
