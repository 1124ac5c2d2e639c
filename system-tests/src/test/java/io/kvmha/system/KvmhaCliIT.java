package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.cli.ExitCode;
import io.kvmha.cli.KvmhaCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every kvmha verb against running services (three hosts with Redfish BMCs), with the error paths an operator
 * meets: unknown ids, invalid input, unreachable services. The last test powers a host off and follows its
 * evacuation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KvmhaCliIT {

    private static LocalCluster cluster;
    private static DomainSampler domains;
    private final JsonMapper json = JsonMapper.builder().build();

    /** What one run of the CLI printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(new LocalCluster.Options(3, false, List.of()).withBmc());
        JsonHttp http = new JsonHttp();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.get(cluster.schedulerUrl() + "/api/v1/hosts").body().size() == 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> LocalClusterMain.hostsHeard(http, cluster) == 3);
        domains = new DomainSampler(cluster, 50);
    }

    @AfterAll
    static void stopCluster() {
        if (domains != null) {
            domains.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private Run kvmha(String... args) {
        List<String> all = new ArrayList<>(List.of("--scheduler-url", cluster.schedulerUrl(),
                "--failover-url", cluster.failoverUrl(), "--monitor-url", cluster.monitorUrl()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = KvmhaCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void createListShowAndStatus() {
        Run created = kvmha("vm", "create", "cli-web", "--tier", "gold", "--memory-mib", "256", "-o", "json");
        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCode.OK);
        JsonNode vm = json.readTree(created.out());
        String vmId = vm.get("vmId").asString();
        assertThat(vm.get("tier").asString()).isEqualTo("GOLD");

        Run list = kvmha("vm", "list");
        assertThat(list.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(list.out()).contains("NAME").contains("cli-web").contains(vmId);

        Run show = kvmha("vm", "show", vmId, "-o", "json");
        assertThat(show.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(json.readTree(show.out()).get("name").asString()).isEqualTo("cli-web");

        Run status = kvmha("status");
        assertThat(status.exitCode()).as(status.err()).isEqualTo(ExitCode.OK);
        assertThat(status.out()).contains("HOSTS").contains("h1").contains("h2").contains("GOLD=1");
        assertThat(json.readTree(kvmha("status", "-o", "json").out()).get("hosts").size()).isEqualTo(3);

        Run deleted = kvmha("vm", "delete", vmId);
        assertThat(deleted.exitCode()).as(deleted.err()).isEqualTo(ExitCode.OK);
        assertThat(deleted.out()).contains("deleted " + vmId);
        assertThat(kvmha("vm", "show", vmId).exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(kvmha("vm", "delete", vmId).exitCode()).as("deleting twice").isEqualTo(ExitCode.REFUSED);

        Run hosts = kvmha("host", "list", "-o", "json");
        assertThat(hosts.exitCode()).isEqualTo(ExitCode.OK);
        Run incidents = kvmha("incidents");
        assertThat(incidents.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(incidents.out()).contains("INCIDENT_ID");
    }

    @Test
    void maintenanceOnAndOffWithTheHostsHistory() {
        Run on = kvmha("host", "maintenance", "on", "h2", "--reason", "firmware update");
        assertThat(on.exitCode()).as(on.err()).isEqualTo(ExitCode.OK);
        assertThat(on.out()).contains("h2: MAINTENANCE");
        Run off = kvmha("host", "maintenance", "off", "h2");
        assertThat(off.exitCode()).as(off.err()).isEqualTo(ExitCode.OK);
        assertThat(off.out()).contains("h2: ONLINE");
        Run history = kvmha("host", "history", "h2");
        assertThat(history.exitCode()).as(history.err()).isEqualTo(ExitCode.OK);
        assertThat(history.out()).contains("MAINTENANCE").contains("firmware update");
        Run wrong = kvmha("host", "maintenance", "maybe", "h2");
        assertThat(wrong.exitCode()).isEqualTo(ExitCode.USAGE);
        Run unknown = kvmha("host", "history", "no-such-host");
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(unknown.err()).contains("(404)").contains("no-such-host");
    }

    @Test
    void releasingAHostWhenTheGuardDoesNotHoldIsAConflict() {
        Run status = kvmha("guard", "status");
        assertThat(status.exitCode()).as(status.err()).isEqualTo(ExitCode.OK);
        Run release = kvmha("guard", "release", "h1");
        assertThat(release.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(release.err()).contains("(409)");
    }

    @Test
    void anUnknownVmIsRefusedWithTheServicesReason() {
        Run run = kvmha("vm", "show", "no-such-vm");
        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err()).contains("scheduler-service refused GET /api/v1/vms/no-such-vm (404)")
                .contains("`kvmha vm list` shows the VMs' ids");
    }

    @Test
    void anInvalidSpecIsRefusedNamingTheField() {
        Run run = kvmha("vm", "create", "bad-vm", "--vcpus", "0");
        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err()).contains("(400)").contains("vcpus");
        Run tier = kvmha("vm", "create", "bad-tier", "--tier", "platinum");
        assertThat(tier.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(tier.err()).contains("tier");
    }

    @Test
    void anUnknownIncidentIsRefused() {
        Run run = kvmha("incidents", "no-such-incident");
        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err()).contains("(404)").contains("no-such-incident");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "status                                 | scheduler",
        "vm create x                            | scheduler",
        "vm list                                | scheduler",
        "vm show vm-1                           | scheduler",
        "vm migrate vm-1 --no-wait              | scheduler",
        "vm migrate vm-1                        | failover",
        "vm delete vm-1                         | scheduler",
        "host list                              | failover",
        "host history h1                        | failover",
        "host maintenance on h1                 | failover",
        "host drain h1 --no-wait                | scheduler",
        "host drain h1                          | failover",
        "host undrain h1                        | scheduler",
        "host fence h1 --force                  | failover",
        "incidents                              | failover",
        "incidents show inc-1 --follow          | failover",
        "alerts                                 | monitor",
        "guard status                           | failover"})
    void everyVerbSaysWhichServiceItCouldNotReachAndHowToPointAtIt(String command, String service) {
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("--scheduler-url", "http://127.0.0.1:1", "--failover-url",
                "http://127.0.0.1:1", "--monitor-url", "http://127.0.0.1:1"));
        args.addAll(List.of(command.trim().split("\\s+")));
        int code = KvmhaCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args.toArray(String[]::new));
        assertThat(code).as(err.toString()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(err.toString()).contains("cannot reach " + service + "-service at http://127.0.0.1:1")
                .contains("--" + service + "-url");
    }

    @Test
    void alertsListsWhatTheMonitorHoldsAndRefusesAnUnknownSeverity() {
        // The monitor's watchdog alert fires from the start (severity info), like Prometheus' Watchdog.
        await().atMost(Duration.ofSeconds(20)).until(() -> kvmha("alerts").out().contains("KvmWatchdog"));
        Run all = kvmha("alerts");
        assertThat(all.exitCode()).as(all.err()).isEqualTo(ExitCode.OK);
        assertThat(all.out()).contains("NAME", "STATE", "SEVERITY", "STARTS_AT", "SUMMARY").contains("FIRING");
        JsonNode alerts = json.readTree(kvmha("alerts", "-o", "json", "--severity", "info").out());
        assertThat(alerts).anySatisfy(a -> {
            assertThat(a.get("name").asString()).isEqualTo("KvmWatchdog");
            assertThat(a.get("labels").get("alertname").asString()).isEqualTo("KvmWatchdog");
            assertThat(a.has("annotations")).isTrue();
            assertThat(a.has("startsAt")).isTrue();
        });
        Run critical = kvmha("alerts", "--severity", "critical");
        assertThat(critical.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(critical.out()).doesNotContain("KvmWatchdog");

        Run wrong = kvmha("alerts", "--severity", "urgent");
        assertThat(wrong.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(wrong.err()).contains("monitor-service refused GET /api/v1/alerts (400)")
                .contains("severity 'urgent' is not one of [critical, warning, info]");
    }

    @Test
    void drainWithoutWaitingPlansTheMovesAndUndrainReadmitsTheHost() {
        Run created = kvmha("vm", "create", "cli-drained", "--memory-mib", "256", "-o", "json");
        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCode.OK);
        String host = json.readTree(created.out()).get("hostId").asString();

        Run drain = kvmha("host", "drain", host, "--no-wait", "-o", "json");
        assertThat(drain.exitCode()).as(drain.err()).isEqualTo(ExitCode.OK);
        JsonNode plan = json.readTree(drain.out());
        assertThat(plan.get("draining").asBoolean()).isTrue();
        assertThat(plan.get("moves")).anySatisfy(m -> assertThat(m.get("targetHostId").asString()).isNotEqualTo(host));
        assertThat(json.readTree(kvmha("status", "-o", "json").out()).get("hosts"))
                .anySatisfy(h -> {
                    assertThat(h.get("hostId").asString()).isEqualTo(host);
                    assertThat(h.get("draining").asBoolean()).isTrue();
                });

        Run undrain = kvmha("host", "undrain", host);
        assertThat(undrain.exitCode()).as(undrain.err()).isEqualTo(ExitCode.OK);
        assertThat(undrain.out()).contains("host " + host + ": accepts VMs again");

        Run unknown = kvmha("host", "drain", "no-such-host", "--no-wait");
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(unknown.err()).contains("(404)").contains("no-such-host");
        assertThat(kvmha("host", "undrain", "no-such-host").exitCode()).isEqualTo(ExitCode.REFUSED);
    }

    @Test
    void migrateWithoutWaitingPlansTheMoveAndRefusesUnknownVmsAndTargets() {
        Run created = kvmha("vm", "create", "cli-moved", "--memory-mib", "256", "-o", "json");
        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCode.OK);
        JsonNode vm = json.readTree(created.out());
        String from = vm.get("hostId").asString();
        String to = List.of("h1", "h2", "h3").stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();

        Run migrate = kvmha("vm", "migrate", vm.get("vmId").asString(), "--to", to, "--no-wait");
        assertThat(migrate.exitCode()).as(migrate.err()).isEqualTo(ExitCode.OK);
        assertThat(migrate.out()).contains("migrating " + vm.get("vmId").asString() + " from " + from + " to " + to);

        Run unknown = kvmha("vm", "migrate", "no-such-vm", "--no-wait");
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(unknown.err()).contains("(404)").contains("no-such-vm");
        Run nowhere = kvmha("vm", "migrate", vm.get("vmId").asString(), "--to", "no-such-host", "--no-wait");
        assertThat(nowhere.exitCode()).as(nowhere.err()).isEqualTo(ExitCode.REFUSED);
        assertThat(nowhere.err()).contains("no-such-host");
    }

    @Test
    void drainFollowsEveryVmOffTheHostAndUndrainTakesItBack() {
        Run created = kvmha("vm", "create", "cli-drain-follow", "--memory-mib", "256", "-o", "json");
        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCode.OK);
        String host = json.readTree(created.out()).get("hostId").asString();
        String vmId = json.readTree(created.out()).get("vmId").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> runningOn(vmId, host));

        Run drain = kvmha("host", "drain", host);

        assertThat(drain.exitCode()).as("%s%n%s", drain.out(), drain.err()).isEqualTo(ExitCode.OK);
        assertThat(drain.err()).contains("drain " + host + " [").contains("VMs settled");
        assertThat(drain.out()).contains("of host " + host + ": done").contains(vmId);
        assertThat(kvmha("host", "undrain", host).exitCode()).isEqualTo(ExitCode.OK);
        // A drain leaves the host in maintenance: end it, so later tests may place and migrate onto it.
        Run off = kvmha("host", "maintenance", "off", host);
        assertThat(off.exitCode()).as(off.err()).isEqualTo(ExitCode.OK);
    }

    @Test
    void migrateFollowsOneVmToItsTarget() {
        Run created = kvmha("vm", "create", "cli-migrate-follow", "--memory-mib", "256", "-o", "json");
        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCode.OK);
        String vmId = json.readTree(created.out()).get("vmId").asString();
        String from = json.readTree(created.out()).get("hostId").asString();
        String to = List.of("h1", "h2", "h3").stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> runningOn(vmId, from));

        Run migrate = kvmha("vm", "migrate", vmId, "--to", to, "-o", "json");

        assertThat(migrate.exitCode()).as("%s%n%s", migrate.out(), migrate.err()).isEqualTo(ExitCode.OK);
        assertThat(migrate.err()).contains("migrate cli-migrate-follow [").contains("%");
        JsonNode moved = json.readTree(migrate.out());
        assertThat(moved.get("done").asBoolean()).isTrue();
        assertThat(moved.get("moves").get(0).get("targetHostId").asString()).isEqualTo(to);
    }

    @Test
    void fencingALiveHostNeedsForceAndAnUnknownHostIsRefused() {
        Run alive = kvmha("host", "fence", "h1", "--reason", "cli test");
        assertThat(alive.exitCode()).as(alive.err()).isEqualTo(ExitCode.REFUSED);
        assertThat(alive.err()).contains("failover-service refused POST /api/v1/hosts/h1/fence (409)").contains("add --force");
        Run unknown = kvmha("host", "fence", "no-such-host", "--force");
        assertThat(unknown.exitCode()).as(unknown.err()).isEqualTo(ExitCode.REFUSED);
        assertThat(unknown.err()).contains("(404)").contains("`kvmha host list` shows the hosts");
    }

    /** Last: it takes a host down for good. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aForcedFenceRestartsTheHostsVmsElsewhereShowingTheEvacuationUntilItsIncidentIsRecovered() {
        List<String> vms = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Run created = kvmha("vm", "create", "cli-evacuated-" + i, "--tier", "gold", "--memory-mib", "256", "-o", "json");
            assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCode.OK);
            vms.add(json.readTree(created.out()).get("vmId").asString());
            hosts.add(json.readTree(created.out()).get("hostId").asString());
        }
        String victim = hosts.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> runningOn(vms.get(0), victim));

        Run fence = kvmha("host", "fence", victim, "--force", "--reason", "cli test", "--operator", "alice");

        assertThat(fence.exitCode()).as("%s%n%s", fence.out(), fence.err()).isEqualTo(ExitCode.OK);
        List<String> progress = fence.err().lines().toList();
        assertThat(progress).first().asString().startsWith("evacuating " + victim + " [");
        assertThat(progress).last().asString().contains("RECOVERED").containsPattern("(\\d+)/\\1 VMs started");
        assertThat(fence.out()).containsPattern("incident \\S+  host " + victim + "  RECOVERED").contains("operator-fence");
        await().atMost(Duration.ofSeconds(10)).until(() -> domains.hostsRunning(vms.get(0)).size() == 1
                && !runningOn(vms.get(0), victim));

        String incidentId = incidentOf(victim);
        Run follow = kvmha("incidents", "show", incidentId, "--follow", "-o", "json");
        assertThat(follow.exitCode()).as(follow.err()).isEqualTo(ExitCode.OK);
        assertThat(json.readTree(follow.out()).get("status").asString()).isEqualTo("RECOVERED");
        assertThat(domains.doubleRuns()).as("no VM ever ran on two hosts").isEmpty();
    }

    /** Where the VM runs, read from the hosts' hypervisors. */
    private static boolean runningOn(String vmId, String host) {
        return domains.hostsRunning(vmId).equals(java.util.Set.of(host));
    }

    private String incidentOf(String host) {
        for (JsonNode incident : json.readTree(kvmha("incidents", "-o", "json").out())) {
            if (host.equals(incident.get("hostId").asString())) {
                return incident.get("incidentId").asString();
            }
        }
        return null;
    }

    @Test
    void aWrongCommandLineIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = KvmhaCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "vm", "explode");
        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("explode");
    }
}
