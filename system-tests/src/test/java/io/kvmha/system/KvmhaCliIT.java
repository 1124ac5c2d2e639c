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
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every kvmha verb against running services, with the error paths an operator meets. */
class KvmhaCliIT {

    private static LocalCluster cluster;
    private final JsonMapper json = JsonMapper.builder().build();

    /** What one run of the CLI printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(new LocalCluster.Options(2, false, List.of()));
        JsonHttp http = new JsonHttp();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.get(cluster.schedulerUrl() + "/api/v1/hosts").body().size() == 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Run kvmha(String... args) {
        List<String> all = new ArrayList<>(List.of("--scheduler-url", cluster.schedulerUrl(),
                "--failover-url", cluster.failoverUrl()));
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
        assertThat(json.readTree(kvmha("status", "-o", "json").out()).get("hosts").size()).isEqualTo(2);

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
        await().atMost(Duration.ofSeconds(30)).until(() -> LocalClusterMain.hostsHeard(new JsonHttp(), cluster) == 2);
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
        assertThat(run.err()).contains("scheduler-service refused GET /api/v1/vms/no-such-vm (404)");
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

    @Test
    void anUnreachableServiceSaysWhereItLooked() {
        StringWriter err = new StringWriter();
        int code = KvmhaCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                "--scheduler-url", "http://127.0.0.1:1", "vm", "list");
        assertThat(code).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(err.toString()).contains("cannot reach scheduler-service at http://127.0.0.1:1")
                .contains("--scheduler-url");
    }

    @Test
    void aWrongCommandLineIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = KvmhaCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "vm", "explode");
        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("explode");
    }
}
