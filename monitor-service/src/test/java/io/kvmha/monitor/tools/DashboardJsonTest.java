package io.kvmha.monitor.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboards' structure: unique uids and titles, the provisioned datasource, units, queries. */
class DashboardJsonTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static List<Path> dashboards() throws Exception {
        try (Stream<Path> files = Files.list(RealTools.deploy("grafana/dashboards"))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Every panel query of every dashboard (Grafana's $host replaced by the given host). */
    public static List<String> queries(String host) throws Exception {
        List<String> out = new ArrayList<>();
        for (Path file : dashboards()) {
            for (JsonNode panel : JSON.readTree(file.toFile()).get("panels")) {
                for (JsonNode target : panel.get("targets")) {
                    out.add(target.get("expr").asString().replace("$host", host));
                }
            }
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void dashboardsAreWellFormed() throws Exception {
        Map<String, Object> provisioning = new Yaml().load(Files.readString(
                RealTools.deploy("grafana/provisioning/datasources/prometheus.yml")));
        String datasourceUid = (String) ((List<Map<String, Object>>) provisioning.get("datasources")).get(0).get("uid");
        assertThat(datasourceUid).isEqualTo("kvmha-prometheus");

        List<Path> files = dashboards();
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("cluster-overview.json", "failover-incidents.json", "host-detail.json", "control-plane.json");
        Set<String> uids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (Path file : files) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            assertThat(uids.add(dashboard.get("uid").asString())).as("unique uid in %s", file).isTrue();
            assertThat(titles.add(dashboard.get("title").asString())).as("unique title in %s", file).isTrue();
            assertThat(dashboard.get("uid").asString()).hasSizeLessThanOrEqualTo(40); // Grafana's limit
            Set<Integer> panelIds = new HashSet<>();
            for (JsonNode panel : dashboard.get("panels")) {
                String where = file.getFileName() + " panel '" + panel.get("title").asString() + "'";
                assertThat(panelIds.add(panel.get("id").asInt())).as("unique panel id, %s", where).isTrue();
                assertThat(panel.get("title").asString()).as(where).isNotBlank();
                assertThat(panel.get("datasource").get("uid").asString()).as(where).isEqualTo(datasourceUid);
                assertThat(panel.get("fieldConfig").get("defaults").get("unit").asString()).as("unit of %s", where).isNotBlank();
                assertThat(panel.has("gridPos")).as(where).isTrue();
                assertThat(panel.get("targets").size()).as(where).isPositive();
                for (JsonNode target : panel.get("targets")) {
                    assertThat(target.get("expr").asString()).as(where).isNotBlank();
                    assertThat(target.get("refId").asString()).as(where).isNotBlank();
                    assertThat(target.get("datasource").get("uid").asString()).as(where).isEqualTo(datasourceUid);
                }
            }
            for (JsonNode variable : dashboard.get("templating").get("list")) {
                assertThat(variable.get("datasource").get("uid").asString()).isEqualTo(datasourceUid);
            }
        }
        assertThat(Files.readString(RealTools.deploy("grafana/provisioning/dashboards/kvm-ha.yml")))
                .contains("type: file");
    }

    @Test
    void theAllowListOfQueriesCheckedLaterNamesOnlyRealPanelQueriesOfOtherServices() throws Exception {
        List<String> later = checkedLater();
        assertThat(queries("x")).containsAll(later);
        assertThat(later).allSatisfy(q -> assertThat(q).doesNotContain("kvmha_monitor_", "kvmha_hosts", "kvmha_vms",
                "kvmha_alerts_", "kvmha_host_", "kvmha_vm_recovery"));
    }

    public static List<String> checkedLater() throws Exception {
        return Files.readAllLines(RealTools.deploy("grafana/queries-checked-later.txt")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
}
