package io.kvmha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drains, migrations, fencing and following incidents against scripted services: the order of the calls,
 * the progress shown, and the exit codes of each ending. (KvmhaCliIT in system-tests runs them against the
 * real services.)
 */
class LongOperationsTest {

    record Run(int exitCode, String out, String err) {
    }

    FakeService scheduler;
    FakeService failover;

    @BeforeEach
    void start() throws Exception {
        scheduler = new FakeService();
        failover = new FakeService();
    }

    @AfterEach
    void stop() {
        scheduler.close();
        failover.close();
    }

    Run kvmha(String... args) {
        List<String> all = new ArrayList<>(List.of("--scheduler-url", scheduler.url(), "--failover-url", failover.url()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = KvmhaCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    static String drain(String moves, boolean done) {
        return "{'drainId':'d-1','kind':'DRAIN','hostId':'h1','done':" + done + ",'moves':[" + moves + "]}";
    }

    static String move(String vm, String status, Integer percent) {
        return "{'vmId':'" + vm + "','sourceHostId':'h1','targetHostId':'h2','status':'" + status
                + "','progressPercent':" + percent + ",'detail':null}";
    }

    @Test
    void aDrainIsPlannedOnTheSchedulerThenFollowedOnTheFailoverServiceUntilEveryVmIsSettled() {
        scheduler.on("POST /api/v1/hosts/h1/drain", 200, "{'hostId':'h1','draining':true,'moves':["
                + "{'vmId':'vm-a','name':'a','fromHostId':'h1','targetHostId':'h2'},"
                + "{'vmId':'vm-b','name':'b','fromHostId':'h1','targetHostId':'h2'}],'unplaced':[]}");
        // An older drain of h1 exists; the new one shows up a moment after the scheduler's answer.
        failover.on("GET /api/v1/drains?hostId=h1", 200, "[{'drainId':'d-0','done':true,'moves':[]}]",
                "[{'drainId':'d-0','done':true,'moves':[]}]",
                "[" + drain(move("vm-a", "PENDING", null) + "," + move("vm-b", "PENDING", null), false) + ",{'drainId':'d-0'}]");
        failover.on("GET /api/v1/drains/d-1", 200,
                drain(move("vm-a", "MIGRATING", 40) + "," + move("vm-b", "PENDING", null), false),
                drain(move("vm-a", "MIGRATED", 100) + "," + move("vm-b", "MIGRATING", 10), false),
                drain(move("vm-a", "MIGRATED", 100) + "," + move("vm-b", "MIGRATED", 100), true));

        Run run = kvmha("host", "drain", "h1");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.err().lines()).contains(
                "drain h1 [........................] 0/2 VMs settled  MIGRATING=1, PENDING=1",
                "drain h1 [############............] 1/2 VMs settled  MIGRATED=1, MIGRATING=1",
                "drain h1 [########################] 2/2 VMs settled  MIGRATED=2");
        assertThat(run.out()).contains("drain d-1 of host h1: done").contains("vm-a").contains("MIGRATED");
        assertThat(failover.requests()).extracting(FakeService.Request::pathAndQuery).doesNotContain("/api/v1/drains/d-0");
    }

    @Test
    void aDrainThatLeavesAVmBehindEndsWithExitFiveAndSaysWhy() {
        scheduler.on("POST /api/v1/hosts/h1/drain", 200, "{'hostId':'h1','moves':[{'vmId':'vm-a'}],'unplaced':"
                + "[{'vmId':'vm-big','name':'big','reason':'no host has 64 GiB free'}]}");
        failover.on("GET /api/v1/drains?hostId=h1", 200, "[]", "[" + drain(move("vm-a", "ABORTED", null), true) + "]");
        failover.on("GET /api/v1/drains/d-1", 200, drain(move("vm-a", "ABORTED", null), true));

        Run run = kvmha("host", "drain", "h1", "-o", "json");

        assertThat(run.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(run.err()).contains("vm vm-big (big) stays on h1, it fits nowhere else: no host has 64 GiB free");
        assertThat(run.out()).contains("\"status\" : \"ABORTED\"");
    }

    @Test
    void aDrainTheFailoverServiceNeverStartsEndsWithAPointerToWhereToLook() {
        scheduler.on("POST /api/v1/hosts/h1/drain", 200, "{'hostId':'h1','moves':[{'vmId':'vm-a'}],'unplaced':[]}");
        failover.on("GET /api/v1/drains?hostId=h1", 200, "[]");

        Run run = kvmha("host", "drain", "h1", "--wait-timeout", "1");

        assertThat(run.exitCode()).isEqualTo(ExitCode.WAIT_TIMEOUT);
        assertThat(run.err()).contains("the failover service did not start it within 1 s")
                .contains("consuming kvmha.placements").contains("/api/v1/drains?hostId=h1");
    }

    @Test
    void drainWithNoWaitReturnsThePlanAtOnce() {
        scheduler.on("POST /api/v1/hosts/h1/drain", 200, "{'hostId':'h1','moves':[{'vmId':'vm-a','name':'a',"
                + "'fromHostId':'h1','targetHostId':'h2'}],'unplaced':[]}");

        Run run = kvmha("host", "drain", "h1", "--no-wait");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("drain of h1: 1 VMs to move, 0 fit nowhere").contains("/api/v1/drains?hostId=h1");
        assertThat(failover.requests()).isEmpty();
    }

    @Test
    void aMigrationShowsItsPercentAndPassesTheTarget() {
        scheduler.on("POST /api/v1/vms/vm-a/migrate", 200, "{'hostId':'h1','moves':[{'vmId':'vm-a','name':'web',"
                + "'fromHostId':'h1','targetHostId':'h3'}],'unplaced':[]}");
        scheduler.on("GET /api/v1/hosts/h3", 200, "{'hostId':'h3'}");
        String migration = "{'drainId':'m-1','kind':'MIGRATION','hostId':'h1','done':%s,'moves':[%s]}";
        failover.on("GET /api/v1/drains?vmId=vm-a", 200, "[]", "[" + migration.formatted(false, move("vm-a", "PENDING", null)) + "]");
        failover.on("GET /api/v1/drains/m-1", 200, migration.formatted(false, move("vm-a", "MIGRATING", 60)),
                migration.formatted(true, move("vm-a", "MIGRATED", 100)));

        Run run = kvmha("vm", "migrate", "vm-a", "--to", "h3");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.err()).contains("migrate web [##############..........] 60/100 %  MIGRATING h1 -> h2")
                .contains("100/100 %  MIGRATED");
        assertThat(scheduler.requests().get(1).body()).isEqualTo("{\"targetHostId\":\"h3\"}");
    }

    @Test
    void fencingALiveHostWithoutForceIsRefusedWithTheWayOut() {
        failover.on("POST /api/v1/hosts/h1/fence", 409, "{'title':'Not possible in the host state','status':409,"
                + "'detail':'host h1 is ONLINE'}");

        Run run = kvmha("host", "fence", "h1", "--operator", "alice");

        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err()).contains("(409): host h1 is ONLINE").contains("add --force");
        assertThat(failover.requests().get(0).body()).isEqualTo("{\"force\":false}");
        assertThat(failover.requests().get(0).operator()).isEqualTo("alice");
    }

    @Test
    void aForcedFenceFollowsTheEvacuationUntilTheIncidentCloses() {
        String incident = "{'incidentId':'inc-1','hostId':'h1','status':'%s','timeline':[{'at':'t','phase':'%s'}],"
                + "'vms':[{'vmId':'a','status':'%s'},{'vmId':'b','status':'%s'}]}";
        failover.on("POST /api/v1/hosts/h1/fence", 202, incident.formatted("OPEN", "operator-fence", "PENDING", "PENDING"));
        failover.on("GET /api/v1/incidents/inc-1", 200, incident.formatted("OPEN", "vm-started", "STARTED", "STARTING"),
                incident.formatted("RECOVERED", "recovered", "STARTED", "STARTED"));

        Run run = kvmha("host", "fence", "h1", "--force", "--reason", "PSU smoke");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(failover.requests().get(0).body()).isEqualTo("{\"force\":true,\"reason\":\"PSU smoke\"}");
        assertThat(run.err()).contains("evacuating h1 [############............] 1/2 VMs started  OPEN (vm-started)")
                .contains("2/2 VMs started  RECOVERED (recovered)");
        assertThat(run.out()).contains("incident inc-1  host h1  RECOVERED");
    }

    @Test
    void followingAnIncidentThatEndsPartialIsExitFiveAndOneThatStaysOpenTimesOut() {
        failover.on("GET /api/v1/incidents/inc-p", 200, "{'incidentId':'inc-p','hostId':'h1','status':'PARTIAL','vms':[]}");
        failover.on("GET /api/v1/incidents/inc-o", 200, "{'incidentId':'inc-o','hostId':'h1','status':'OPEN','vms':[]}");

        assertThat(kvmha("incidents", "show", "inc-p", "--follow").exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(kvmha("incidents", "show", "inc-p").exitCode()).as("without --follow").isEqualTo(ExitCode.OK);
        Run open = kvmha("incidents", "show", "inc-o", "--follow", "--wait-timeout", "0");
        assertThat(open.exitCode()).isEqualTo(ExitCode.WAIT_TIMEOUT);
        assertThat(open.err()).contains("stopped waiting for incident inc-o").contains("--wait-timeout");
    }

    @Test
    void undrainReadmitsTheHostAndEndsItsMaintenance() {
        scheduler.on("POST /api/v1/hosts/h1/undrain", 204, "");
        failover.on("DELETE /api/v1/hosts/h1/maintenance", 200, "{'hostId':'h1','state':'ONLINE'}");

        Run run = kvmha("host", "undrain", "h1");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("host h1: accepts VMs again, ONLINE");
    }
}
