package io.kvmha.monitor.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.spring.EventPublisher;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * monitor-service's alerts in a real Alertmanager: received through API v2, grouped by cluster and
 * alertname (two dead hosts are one page), a VM alert on a dead host suppressed by its KvmHostDown,
 * and the host's return shown as resolved (to the pager receiver) with the inhibition lifted.
 */
class AlertmanagerIT extends RealToolsContext {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    EventPublisher publisher;

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void alertmanagerRuns() {
        requireAlertmanager();
    }

    @Test
    void aDeadHostIsOnePageItsVmAlertsAreSuppressedAndItsReturnResolves() throws Exception {
        Instant now = Instant.now();
        publisher.publish(new HostHealthChange("am-h1", HostState.ONLINE, HostState.DOWN, List.of("no heartbeat"),
                "inc-am1", now)).get();
        publisher.publish(new HostHealthChange("am-h2", HostState.ONLINE, HostState.DOWN, List.of("no heartbeat"),
                "inc-am2", now)).get();

        // Grouped: both hosts' KvmHostDown in one group {alertname, cluster}.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            JsonNode group = group("KvmHostDown");
            assertThat(group).as("group KvmHostDown in %s", get("/api/v2/alerts/groups")).isNotNull();
            assertThat(group.get("labels").get("cluster").asString()).isEqualTo("kvm-ha");
            // (other tests of this shared context may have hosts down too: they belong in the same group)
            assertThat(hosts(group.get("alerts"))).contains("am-h1", "am-h2");
            assertThat(group.get("receiver").get("name").asString()).isEqualTo("pager");
        });
        JsonNode firing = alerts("KvmHostDown", "am-h1").get(0);
        assertThat(firing.get("annotations").get("runbook_url").asString()).endsWith("#kvmhostdown");
        assertThat(firing.get("labels").get("severity").asString()).isEqualTo("critical");
        // One page for both hosts: a pager notification carries both alerts of the group.
        await().atMost(TIMEOUT).until(() -> NOTIFICATIONS.stream().filter(n -> n.path().equals("/pager"))
                .anyMatch(n -> n.body().contains("am-h1") && n.body().contains("am-h2")));

        // A VM on the dead host crashes: its alert reaches Alertmanager but is suppressed by KvmHostDown.
        publisher.publish(new VmLifecycleEvent("am-vm1", "am-h1", "am-vm1", VmLifecycleEvent.Kind.STOPPED,
                VmLifecycleEvent.Reason.CRASHED, false, null, Instant.now())).get();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            List<JsonNode> vm = alerts("KvmVmCrashed", "am-h1");
            assertThat(vm).hasSize(1);
            assertThat(vm.get(0).get("status").get("state").asString()).isEqualTo("suppressed");
            assertThat(vm.get(0).get("status").get("inhibitedBy").size()).isPositive();
        });

        // am-h1 returns: Alertmanager gets the resolve; the pager hears "resolved"; the VM alert is no longer inhibited.
        publisher.publish(new HostHealthChange("am-h1", HostState.DOWN, HostState.ONLINE, List.of("heartbeat resumed"),
                "inc-am1", Instant.now())).get();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(alerts("KvmHostDown", "am-h1")).isEmpty());
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(NOTIFICATIONS.stream()
                .filter(n -> n.path().equals("/pager"))
                .flatMap(n -> resolvedHosts(n.body()).stream())).contains("am-h1"));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            List<JsonNode> vm = alerts("KvmVmCrashed", "am-h1");
            assertThat(vm).hasSize(1);
            assertThat(vm.get(0).get("status").get("state").asString()).isEqualTo("active");
        });
        assertThat(alerts("KvmHostDown", "am-h2")).hasSize(1);
        // Never paged for the suppressed VM while its host was down: only "ticket" (warning) may carry it, after the return.
        assertThat(NOTIFICATIONS).filteredOn(n -> n.path().equals("/pager"))
                .noneMatch(n -> n.body().contains("KvmVmCrashed"));
    }

    @Test
    void theWatchdogReachesTheDeadMansSwitch() {
        await().atMost(TIMEOUT).until(() -> NOTIFICATIONS.stream()
                .anyMatch(n -> n.path().equals("/deadmans-switch") && n.body().contains("KvmWatchdog")));
    }

    JsonNode group(String alertname) throws Exception {
        for (JsonNode group : JSON.readTree(get("/api/v2/alerts/groups"))) {
            if (alertname.equals(group.get("labels").path("alertname").asString(""))) {
                return group;
            }
        }
        return null;
    }

    List<JsonNode> alerts(String alertname, String host) throws Exception {
        String filter = URLEncoder.encode("alertname=\"" + alertname + "\"", StandardCharsets.UTF_8);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode alert : JSON.readTree(get("/api/v2/alerts?filter=" + filter))) {
            if (host.equals(alert.get("labels").path("host").asString(""))) {
                out.add(alert);
            }
        }
        return out;
    }

    static List<String> hosts(JsonNode alerts) {
        List<String> out = new ArrayList<>();
        alerts.forEach(a -> out.add(a.get("labels").path("host").asString("")));
        return out;
    }

    static List<String> resolvedHosts(String webhookBody) {
        List<String> out = new ArrayList<>();
        for (JsonNode alert : JSON.readTree(webhookBody).get("alerts")) {
            if ("resolved".equals(alert.get("status").asString())) {
                out.add(alert.get("labels").path("host").asString(""));
            }
        }
        return out;
    }

    String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(alertmanager.baseUrl() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
