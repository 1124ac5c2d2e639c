package io.kvmha.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.libvirt.Connect;

/**
 * The HA scenarios on the real testbed: three libvirtd hosts with QEMU guests in namespaces, every service in its
 * own process, a standalone Kafka broker, Redfish fencing through the BMC emulator that really powers hosts off.
 * One testbed for all scenarios, in order; every host's libvirtd is sampled every 50 ms throughout, and after each
 * scenario no VM may ever have run on two hosts at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestbedScenariosIT {

    private final Testbed testbed = new Testbed(Testbed.repositoryRoot(), 3);
    private final ControlPlane plane = new ControlPlane();
    private LibvirtSampler sampler;
    private final List<ControlPlane.Vm> vms = new ArrayList<>();
    private String powerLossHost;
    private List<String> powerLossVms;

    @BeforeAll
    void up() throws Exception {
        Assumptions.assumeTrue(Testbed.available(), "the testbed needs root and its controller namespace "
                + "(run by Surefire through testbed/controller-jvm/bin/java)");
        // A control-plane call that fails once under load (a timeout) must not end a wait: the condition decides.
        org.awaitility.Awaitility.ignoreExceptionsByDefault();
        long started = System.nanoTime();
        testbed.up();
        sampler = new LibvirtSampler(testbed, 50);
        System.out.printf("[testbed] up in %.1f s: 3 hosts, guests run with %s%n", (System.nanoTime() - started) / 1e9,
                testbed.acceleration().toUpperCase());
        await("every host ONLINE").atMost(Duration.ofSeconds(60))
                .until(() -> plane.hostStates().values().stream().filter("ONLINE"::equals).count() == 3);
    }

    @AfterEach
    void neverTwice() {
        if (sampler != null) {
            assertThat(sampler.doubleRuns()).as("VMs seen running on two hosts at once").isEmpty();
        }
    }

    @AfterAll
    void down() throws Exception {
        if (sampler != null) {
            System.out.printf("[testbed] %d samples of every host's libvirtd, %d double runs%n", sampler.samples(),
                    sampler.doubleRuns().size());
            sampler.close();
        }
        if (Testbed.available()) {
            testbed.down();
        }
    }

    @Test
    @Order(1)
    void powerLossRestartsItsVmsOnTheSurvivorsInTierOrderAndAlerts() {
        // Four HA VMs of all tiers held together by an affinity group, so one host carries them all; two more elsewhere.
        List<String> tiers = List.of("BRONZE", "SILVER", "GOLD", "SILVER");
        List<ControlPlane.Vm> group = new ArrayList<>();
        for (int i = 0; i < tiers.size(); i++) {
            group.add(plane.createVm("pl-" + tiers.get(i).toLowerCase() + "-" + i, tiers.get(i), 64, List.of("power-loss")));
        }
        vms.addAll(group);
        vms.add(plane.createVm("other-gold", "GOLD", 64, List.of()));
        vms.add(plane.createVm("other-bronze", "BRONZE", 64, List.of()));
        awaitAllRunning();
        powerLossHost = group.get(0).hostId();
        powerLossVms = group.stream().map(ControlPlane.Vm::vmId).toList();
        assertThat(group).allMatch(vm -> vm.hostId().equals(powerLossHost));

        PowerLoss.Outcome outcome = PowerLoss.run(testbed, plane, sampler, powerLossHost, powerLossVms);

        System.out.println("SCENARIO power loss: " + outcome.describe());
        assertThat(outcome.status()).isEqualTo("RECOVERED");
        assertThat(outcome.vms()).isEqualTo(4);
        assertThat(outcome.tierOrdered()).as("start commands issued gold, then silver, then bronze").isTrue();
        for (String vm : powerLossVms) {
            assertThat(sampler.hostsRunning(vm)).hasSize(1).doesNotContain(powerLossHost);
        }
        await("KvmHostDown firing in Alertmanager").atMost(Duration.ofSeconds(30)).until(() -> plane.alerts().stream()
                .anyMatch(a -> a.name().equals("KvmHostDown") && a.host().equals(powerLossHost)));
    }

    @Test
    @Order(2)
    void aFencedHostPoweredBackOnStartsNoneOfItsStaleVmsAndTheAlertResolves() throws Exception {
        Assumptions.assumeTrue(powerLossHost != null, "needs the power-loss scenario");
        Instant on = Instant.now();
        testbed.powerOn(powerLossHost);

        await(powerLossHost + " ONLINE again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ONLINE".equals(plane.hostStates().get(powerLossHost)));
        double rejoinS = Duration.between(on, Instant.now()).toMillis() / 1000.0;
        for (String vm : powerLossVms) {
            LibvirtSampler.Sighting onOldHost = sampler.sighting(vm, powerLossHost);
            assertThat(onOldHost.last()).as("vm %s ran on %s after it was powered on", vm, powerLossHost).isBefore(on);
        }
        List<String> defined = definedDomains(powerLossHost);
        assertThat(defined).as("stale definitions left on %s", powerLossHost).doesNotContainAnyElementsOf(powerLossVms);
        await("KvmHostDown resolved").atMost(Duration.ofSeconds(30)).until(() -> plane.alerts().stream()
                .noneMatch(a -> a.name().equals("KvmHostDown") && a.host().equals(powerLossHost)));
        System.out.printf("SCENARIO power on: %s ONLINE %.1f s after power-on; none of its %d stale VMs started or left "
                + "defined; KvmHostDown resolved%n", powerLossHost, rejoinS, powerLossVms.size());
    }

    @Test
    @Order(3)
    void drainLiveMigratesEveryVmAndTheGuestsNeverNotice() throws Exception {
        String host = busiestHost();
        List<String> itsVms = vmsOn(host);
        assertThat(itsVms).isNotEmpty();

        Drain.Outcome outcome = Drain.run(testbed, plane, sampler, host);

        System.out.println("SCENARIO drain: " + outcome.describe());
        assertThat(outcome.allMigrated()).as("every move MIGRATED: %s", outcome.moves()).isTrue();
        assertThat(outcome.moves()).extracting(Drain.Move::vmId).containsExactlyInAnyOrderElementsOf(itsVms);
        assertThat(outcome.moves()).allSatisfy(m -> {
            assertThat(m.downtimeMs()).as("downtime of %s recorded by %s's libvirt", m.vmId(), m.target()).isNotNull();
            assertThat(m.counterContinued()).as("counter of %s continued on %s", m.vmId(), m.target()).isTrue();
            assertThat(sampler.hostsRunning(m.vmId())).containsExactly(m.target());
        });
        // Back in service for the next scenarios.
        plane.post(Testbed.SCHEDULER + "/api/v1/hosts/" + host + "/undrain", null, 204);
        plane.delete(Testbed.FAILOVER + "/api/v1/hosts/" + host + "/maintenance");
        await(host + " ONLINE after the drain").atMost(Duration.ofSeconds(30))
                .until(() -> "ONLINE".equals(plane.hostStates().get(host)));
    }

    @Test
    @Order(4)
    void aPartitionedHostFencesItselfAndItsVmsRestartOnlyAfterwards() {
        String host = busiestHost();
        List<String> itsVms = vmsOn(host);
        assertThat(itsVms).isNotEmpty();
        // The BMC is cut off too: recovery must wait for the agent's self-fence deadline, not a power-off.
        testbed.bmcFault(host, "unreachable");
        try {
            Instant cut = testbed.partition(host);
            await("VMs of " + host + " running elsewhere").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> itsVms.stream().allMatch(vm -> {
                        Set<String> on = sampler.hostsRunning(vm);
                        return on.size() == 1 && !on.contains(host);
                    }));
            double selfFenced = 0;
            double restarted = Double.MAX_VALUE;
            for (String vm : itsVms) {
                LibvirtSampler.Sighting old = sampler.sighting(vm, host);
                String now = sampler.hostsRunning(vm).iterator().next();
                LibvirtSampler.Sighting next = sampler.sighting(vm, now);
                assertThat(old.last()).as("vm %s ran on %s until after the partition", vm, host).isAfter(cut);
                assertThat(next.first()).as("vm %s restarted on %s before it stopped on %s", vm, now, host)
                        .isAfter(old.last());
                selfFenced = Math.max(selfFenced, Duration.between(cut, old.last()).toMillis() / 1000.0);
                restarted = Math.min(restarted, Duration.between(cut, next.first()).toMillis() / 1000.0);
            }
            testbed.heal(host);
            testbed.bmcFault(host, "none");
            await(host + " ONLINE after heal").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "ONLINE".equals(plane.hostStates().get(host)));
            for (String vm : itsVms) {
                assertThat(sampler.hostsRunning(vm)).hasSize(1).doesNotContain(host);
            }
            assertThat(agentMetric(host, "kvmha_agent_self_fences_total")).as("self-fences counted by %s's agent", host)
                    .isGreaterThanOrEqualTo(1.0);
            System.out.printf("SCENARIO partition: %s cut off with %d VMs; its agent destroyed them by %.1f s (self-fence), "
                    + "first restart elsewhere at %.1f s; after heal it is ONLINE, no VM runs twice%n", host, itsVms.size(),
                    selfFenced, restarted);
        } finally {
            testbed.heal(host);
            testbed.bmcFault(host, "none");
        }
    }

    @Test
    @Order(5)
    void aLibvirtdCrashCausesNoFailoverAndTheAgentReconnects() {
        String host = busiestHost();
        List<String> itsVms = vmsOn(host);
        int incidents = plane.incidentIds(host).size();
        Instant crash = Instant.now();
        testbed.crashLibvirtd(host, 2);
        List<String> statesSeen = new ArrayList<>();
        List<Double> connectedSeen = new ArrayList<>();
        await("agent of " + host + " reconnected").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    statesSeen.add(plane.hostStates().get(host));
                    double connected = agentMetric(host, "kvmha_agent_libvirt_connected");
                    connectedSeen.add(connected);
                    return connected == 1.0 && Duration.between(crash, Instant.now()).toSeconds() >= 12;
                });
        assertThat(statesSeen).as("failover's view of %s during the crash", host).containsOnly("ONLINE");
        assertThat(plane.incidentIds(host)).hasSize(incidents);
        for (String vm : itsVms) {
            assertThat(sampler.hostsRunning(vm)).as("vm %s", vm).containsExactly(host);
        }
        List<ControlPlane.ActiveAlert> alerts = plane.alerts().stream().filter(a -> a.host().equals(host))
                .filter(a -> a.startsAt().isAfter(crash.minusSeconds(1))).toList();
        assertThat(alerts).as("alerts about %s since the crash", host).isEmpty();
        System.out.printf("SCENARIO libvirtd crash: %s's libvirtd killed and restarted after 2 s; %d VMs kept running "
                + "there, no incident, no alert; the agent's libvirt connection %s and is up%n", host, itsVms.size(),
                connectedSeen.contains(0.0) ? "was seen down" : "was restored before a poll saw it down");
    }

    @Test
    @Order(6)
    void aKilledVmRestarts() throws Exception {
        ControlPlane.Vm vm = vms.get(vms.size() - 1);
        String host = sampler.hostsRunning(vm.vmId()).iterator().next();
        int boots = SerialCounter.boots(testbed.serialLog(vm.vmId()));
        Instant kill = Instant.now();
        testbed.killVm(host, vm.name());
        await("vm " + vm.name() + " booted again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> SerialCounter.boots(testbed.serialLog(vm.vmId())) > boots
                        && sampler.hostsRunning(vm.vmId()).size() == 1);
        String now = sampler.hostsRunning(vm.vmId()).iterator().next();
        System.out.printf("SCENARIO VM crash: QEMU of %s killed on %s; running again on %s, booted %.1f s after the kill%n",
                vm.name(), host, now, Duration.between(kill, Instant.now()).toMillis() / 1000.0);
    }

    @Test
    @Order(7)
    void aSeededFaultScheduleBreaksNoInvariant() throws Exception {
        // The small sibling of bench/run fault-soak on the real testbed (bench/run testbed-faults runs more seeds).
        FaultSchedule schedule = FaultSchedule.generate(3, testbed.hostIds());
        FaultScheduleRun.Outcome outcome = new FaultScheduleRun(testbed, plane, sampler, vms).run(schedule);
        System.out.printf("SCENARIO fault schedule %s: %d violations, settled %.1f s after the faults were undone%n",
                schedule, outcome.violations().size(), outcome.settledAfter().toMillis() / 1000.0);
        assertThat(outcome.violations()).as("invariants broken by " + schedule).isEmpty();
    }

    @Test
    @Order(8)
    void theBmcPasswordAppearsInNoLogMetricOrEvent() throws Exception {
        String password = testbed.bmcPassword();
        String basicAuth = java.util.Base64.getEncoder().encodeToString(
                (java.nio.file.Files.readString(testbed.state().resolve("ctl/bmc/user")).strip() + ":" + password)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        SecretScan scan = new SecretScan(List.of(password, basicAuth));
        scan.logs(testbed.state());
        for (String service : List.of(Testbed.SCHEDULER, Testbed.FAILOVER, Testbed.MONITOR)) {
            scan.text("metrics of " + service, plane.text(service + "/actuator/prometheus"));
        }
        scan.events(Testbed.CONTROLLER + ":9092");
        System.out.printf("SCENARIO secrets: the BMC password (and its basic-auth form) searched in %s and the metrics "
                + "of 3 services after the scenarios above: %d finds%n", scan.summary(), scan.finds().size());
        assertThat(scan.finds()).as("places the BMC password leaked to").isEmpty();

        SecretScan control = new SecretScan(List.of(password)).text("the password file",
                java.nio.file.Files.readString(testbed.state().resolve("ctl/bmc/password")));
        assertThat(control.finds()).as("the scan finds the secret where it is").hasSize(1);
    }

    private void awaitAllRunning() {
        await("every VM running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> vms.stream().allMatch(vm -> sampler.hostsRunning(vm.vmId()).size() == 1));
    }

    private List<String> vmsOn(String host) {
        return sampler.latest().entrySet().stream().filter(e -> e.getValue().contains(host)).map(Map.Entry::getKey)
                .sorted().toList();
    }

    private String busiestHost() {
        return testbed.hostIds().stream().filter(h -> "ONLINE".equals(plane.hostStates().get(h)))
                .max(java.util.Comparator.comparingInt(h -> vmsOn(h).size())).orElseThrow();
    }

    private List<String> definedDomains(String host) throws Exception {
        Connect connect = new Connect(testbed.unixUri(host), true);
        try {
            List<String> uuids = new ArrayList<>();
            for (String name : connect.listDefinedDomains()) {
                uuids.add(connect.domainLookupByName(name).getUUIDString());
            }
            for (int id : connect.listDomains()) {
                uuids.add(connect.domainLookupByID(id).getUUIDString());
            }
            return uuids;
        } finally {
            connect.close();
        }
    }

    /** A metric of a host's agent, summed over its series; NaN when the agent does not answer. */
    private double agentMetric(String host, String name) {
        try {
            String metrics = plane.text("http://10.254.77." + (10 + Integer.parseInt(host.substring(1))) + ":8081/actuator/prometheus");
            Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(metrics);
            double sum = 0;
            boolean found = false;
            while (m.find()) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
            return found ? sum : Double.NaN;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
