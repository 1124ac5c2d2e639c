package io.kvmha.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Runs one {@link FaultSchedule} on a seeded testbed and checks the invariants over it: no VM ever seen running
 * on two hosts (every host's libvirt, sampled throughout); once every fault is undone and the cluster settled,
 * every VM runs on exactly one host or an active alert explains why; no host was fenced that no fault silenced.
 * (Whether a command ran twice is not observable here; the fault-soak checks it.)
 */
public final class FaultScheduleRun {

    /** What a schedule broke: empty when it held. */
    public record Outcome(FaultSchedule schedule, List<String> violations, Duration settledAfter) {
    }

    private final Testbed testbed;
    private final ControlPlane plane;
    private final LibvirtSampler sampler;
    private final List<ControlPlane.Vm> vms;
    /** Hosts powered off or cut off right now: libvirtd crashes and VM kills there are skipped. */
    private final Set<String> down = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public FaultScheduleRun(SeededTestbed cluster) {
        this(cluster.testbed, cluster.plane, cluster.sampler, cluster.vms);
    }

    public FaultScheduleRun(Testbed testbed, ControlPlane plane, LibvirtSampler sampler, List<ControlPlane.Vm> vms) {
        this.testbed = testbed;
        this.plane = plane;
        this.sampler = sampler;
        this.vms = vms;
    }

    public Outcome run(FaultSchedule schedule) throws Exception {
        Set<String> incidentsBefore = new HashSet<>();
        plane.incidents().forEach(i -> incidentsBefore.add(i.get("incidentId").asString()));
        int doubleRunsBefore = sampler.doubleRuns().size();
        Set<String> silenced = new HashSet<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
        long end = 0;
        try {
            for (FaultSchedule.Fault fault : schedule.faults()) {
                if (fault.silences()) {
                    silenced.add(fault.host());
                }
                end = Math.max(end, fault.atMillis() + (fault.kind().name().startsWith("BMC") ? 0 : fault.forMillis()));
                timer.schedule(() -> inject(fault, errors), fault.atMillis(), TimeUnit.MILLISECONDS);
                if (fault.forMillis() > 0 && !fault.kind().name().startsWith("BMC")) {
                    timer.schedule(() -> undo(fault, errors), fault.atMillis() + fault.forMillis(), TimeUnit.MILLISECONDS);
                }
            }
            timer.shutdown();
            if (!timer.awaitTermination(end + 60_000, TimeUnit.MILLISECONDS)) {
                errors.add("faults not done within " + (end + 60_000) + " ms");
            }
        } finally {
            timer.shutdownNow();
            for (String host : testbed.hostIds()) {
                quietly(() -> testbed.bmcFault(host, "none"));
            }
        }
        Instant undone = Instant.now();
        List<String> violations = new ArrayList<>(errors);
        // A host the BMC powered off stays off (that is fencing): an operator powers it on again, as here.
        try {
            await("fenced hosts settle").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> plane.hostStates().values().stream().noneMatch(st -> st.equals("FENCING") || st.equals("DOWN")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // The settle check below reports it.
        }
        plane.hostStates().forEach((host, state) -> {
            if (state.equals("FENCED")) {
                System.out.printf("%s %s FENCED after the faults: powered on, as an operator would%n", Instant.now(), host);
                quietly(() -> testbed.powerOn(host));
            }
        });
        try {
            await("the cluster settles: every host ONLINE, every VM on one host or explained").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> plane.hostStates().values().stream().allMatch("ONLINE"::equals)
                            && unexplained(plane).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            violations.add("not settled 3 min after the faults were undone: host states " + plane.hostStates()
                    + ", VMs not running on exactly one host without an alert: " + unexplained(plane));
        }
        Duration settled = Duration.between(undone, Instant.now());
        sampler.doubleRuns().stream().skip(doubleRunsBefore)
                .forEach(d -> violations.add("DOUBLE_RUN vm=" + d.vmId() + " on " + d.hosts() + " at " + d.at()));
        for (JsonNode incident : plane.incidents()) {
            String host = incident.get("hostId").asString();
            String fencing = incident.path("fencing").asString("");
            boolean fenced = fencing.contains("confirmed off") || fencing.contains("self-fence");
            if (!incidentsBefore.contains(incident.get("incidentId").asString()) && fenced && !silenced.contains(host)) {
                violations.add("HEALTHY_HOST_FENCED host=" + host + " incident=" + incident.get("incidentId").asString()
                        + ": " + fencing);
            }
        }
        return new Outcome(schedule, violations, settled);
    }

    /** VMs not running on exactly one host, while no active alert could explain it. */
    private List<String> unexplained(ControlPlane plane) {
        // (the plane is a parameter so the await's lambda reads no field it could race with)
        if (!plane.alerts().isEmpty()) {
            return List.of();
        }
        return vms.stream().filter(vm -> sampler.hostsRunning(vm.vmId()).size() != 1)
                .map(vm -> vm.name() + " on " + sampler.hostsRunning(vm.vmId())).toList();
    }

    private void inject(FaultSchedule.Fault fault, List<String> errors) {
        try {
            injectNow(fault);
        } catch (RuntimeException e) {
            if (!fault.silences() && down.contains(fault.host())) {
                // Its host lost power or its link meanwhile (a later fault of the schedule): nothing left to break.
                System.out.printf("%s fault %s cut short by its host going down%n", Instant.now(), fault);
            } else {
                errors.add("the testbed failed to inject " + fault + ": " + e.getMessage());
            }
        }
    }

    private void injectNow(FaultSchedule.Fault fault) {
        boolean hostDown = down.contains(fault.host());
        System.out.printf("%s fault %s%s%n", Instant.now(), fault, hostDown && !fault.silences() ? " (host down: skipped)" : "");
        {
            switch (fault.kind()) {
                case POWER_LOSS -> {
                    down.add(fault.host());
                    testbed.powerOff(fault.host());
                }
                case PARTITION -> {
                    down.add(fault.host());
                    testbed.partition(fault.host());
                }
                case LIBVIRTD_CRASH -> {
                    if (!hostDown) {
                        testbed.crashLibvirtd(fault.host(), (int) Math.max(1, fault.forMillis() / 1000));
                    }
                }
                case KILL_VM -> vms.stream()
                        .filter(vm -> !hostDown && sampler.hostsRunning(vm.vmId()).equals(Set.of(fault.host())))
                        .findFirst().ifPresent(vm -> testbed.killVm(fault.host(), vm.name()));
                case BMC_REFUSES -> testbed.bmcFault(fault.host(), "refuse");
                case BMC_UNREACHABLE -> testbed.bmcFault(fault.host(), "unreachable");
            }
        }
    }

    private void undo(FaultSchedule.Fault fault, List<String> errors) {
        quietly(errors, () -> {
            switch (fault.kind()) {
                case POWER_LOSS -> {
                    testbed.powerOn(fault.host());
                    down.remove(fault.host());
                }
                case PARTITION -> {
                    testbed.heal(fault.host());
                    down.remove(fault.host());
                }
                default -> { } // libvirtd restarts by itself (crash-libvirtd's argument); a killed VM stays killed
            }
        });
    }

    private static void quietly(List<String> errors, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            errors.add("the testbed failed to inject or undo a fault: " + e.getMessage());
        }
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            // Best effort at the end: the settle check reports what is left broken.
        }
    }
}
