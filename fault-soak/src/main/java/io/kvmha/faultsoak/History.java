package io.kvmha.faultsoak;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.VmSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the invariant checkers need, recorded as the run goes: where each VM is active (checked at every
 * change), when each host was impaired, fences, commands issued, executed and answered, and alerts.
 */
public final class History {

    /** A host impaired this long before it is fenced still excuses the fence (detection, hold, self-fence wait). */
    static final Duration FENCE_EXCUSE_WINDOW = Duration.ofSeconds(20);
    /** A command whose host was impaired up to this long after its deadline may legitimately go unanswered. */
    static final Duration LOST_EXCUSE_AFTER_DEADLINE = Duration.ofSeconds(10);

    private final World world;
    private final Map<String, Set<String>> activeOn = new TreeMap<>();
    private final Map<String, Set<String>> everOn = new TreeMap<>();
    private final Set<String> doubleRunning = new TreeSet<>();
    private final Map<String, List<Interval>> impairments = new TreeMap<>();
    private final Map<String, Interval> open = new TreeMap<>();
    private final Map<String, HostCommand> issued = new LinkedHashMap<>();
    private final Set<String> answered = new TreeSet<>();
    private final Map<String, Set<Long>> executions = new TreeMap<>();
    private final List<Alert> alerts = new ArrayList<>();
    private final List<Violation> violations = new ArrayList<>();
    private int fences;
    /** Per host, the last healthy-host fence reported: its BMC power-off and FENCED declaration are one fence. */
    private final Map<String, Instant> healthyFenced = new TreeMap<>();

    record Interval(Impairment kind, Instant from, Instant to) {
        boolean overlaps(Instant a, Instant b) {
            return !from.isAfter(b) && (to == null || !to.isBefore(a));
        }
    }

    public History(World world) {
        this.world = world;
    }

    /** Taps the bus: commands issued, results, alerts. */
    void record(KvmHaEvent event) {
        if (event instanceof HostCommand c) {
            issued.putIfAbsent(c.commandId(), c);
        } else if (event instanceof CommandResult r && r.outcome() != CommandResult.Outcome.IN_PROGRESS) {
            answered.add(r.commandId());
        } else if (event instanceof Alert a) {
            alerts.add(a);
        }
    }

    /** A domain changed: invariant 1 is checked at every change, not only at the end. */
    void domain(String host, String vm, boolean active) {
        Set<String> hosts = activeOn.computeIfAbsent(vm, v -> new TreeSet<>());
        if (active) {
            hosts.add(host);
            everOn.computeIfAbsent(vm, v -> new TreeSet<>()).add(host);
            if (hosts.size() > 1 && doubleRunning.add(vm)) {
                violation(Violation.Kind.DOUBLE_RUN, "vm=" + vm + " active on " + hosts);
            }
        } else {
            hosts.remove(host);
            if (hosts.size() <= 1) {
                doubleRunning.remove(vm);
            }
        }
    }

    void impaired(String host, Impairment kind) {
        String key = host + "|" + kind;
        if (!open.containsKey(key)) {
            Interval interval = new Interval(kind, world.now(), null);
            open.put(key, interval);
            impairments.computeIfAbsent(host, h -> new ArrayList<>()).add(interval);
        }
    }

    void restored(String host, Impairment kind) {
        Interval interval = open.remove(host + "|" + kind);
        if (interval != null) {
            List<Interval> list = impairments.get(host);
            list.set(list.indexOf(interval), new Interval(kind, interval.from(), world.now()));
        }
    }

    boolean impairedBetween(String host, Instant from, Instant to) {
        return impairments.getOrDefault(host, List.of()).stream().anyMatch(i -> i.overlaps(from, to));
    }

    boolean everImpaired(String host) {
        return impairments.containsKey(host);
    }

    /** A host was fenced: invariant 3. */
    void fenced(String host, String how) {
        fences++;
        Instant now = world.now();
        Instant reported = healthyFenced.get(host);
        boolean sameFence = reported != null && !reported.plus(FENCE_EXCUSE_WINDOW).isBefore(now);
        if (!sameFence && !impairedBetween(host, now.minus(FENCE_EXCUSE_WINDOW), now)) {
            healthyFenced.put(host, now);
            violation(Violation.Kind.HEALTHY_HOST_FENCED, "host=" + host + " " + how + " while neither powered off, "
                    + "partitioned, slow, libvirtd-down nor agent-down within the last " + FENCE_EXCUSE_WINDOW.toSeconds() + " s");
        }
    }

    /** A command changed the hypervisor during one execution (one handling of one delivery): invariant 4. */
    void executed(String commandId, long execution, String what) {
        Set<Long> seen = executions.computeIfAbsent(commandId, c -> new LinkedHashSet<>());
        if (seen.add(execution) && seen.size() == 2) {
            HostCommand command = issued.get(commandId);
            violation(Violation.Kind.COMMAND_EXECUTED_TWICE, "command=" + commandId + " "
                    + (command == null ? "" : Describe.event(command)) + " changed the hypervisor again: " + what);
        }
    }

    private void violation(Violation.Kind kind, String detail) {
        Violation v = new Violation(kind, world.now(), detail);
        violations.add(v);
        world.log("VIOLATION " + v);
    }

    /** The end-of-run checks: invariant 2 (HA VMs running or explained) and the lost half of invariant 4. */
    void finish(Map<String, VmSpec> specs) {
        for (VmSpec spec : specs.values()) {
            if (!spec.haPolicy().isProtected()) {
                continue;
            }
            Set<String> hosts = activeOn.getOrDefault(spec.vmId(), Set.of());
            if (hosts.isEmpty()) {
                String why = explanation(spec.vmId());
                if (why == null) {
                    violation(Violation.Kind.HA_VM_NOT_RUNNING, "vm=" + spec.vmId() + " name=" + spec.name() + " tier="
                            + spec.tier() + " ran on " + everOn.getOrDefault(spec.vmId(), Set.of())
                            + " and is running nowhere; no alert explains it");
                } else {
                    world.log("check: vm=" + spec.vmId() + " not running, explained by " + why);
                }
            }
        }
        for (HostCommand c : issued.values()) {
            if (answered.contains(c.commandId())) {
                continue;
            }
            if (!impairedBetween(c.hostId(), c.issuedAt(), c.deadline().plus(LOST_EXCUSE_AFTER_DEADLINE))) {
                violation(Violation.Kind.COMMAND_LOST, Describe.event(c) + " got no result although host "
                        + c.hostId() + " stayed reachable");
            }
        }
    }

    private String explanation(String vmId) {
        Set<String> hosts = everOn.getOrDefault(vmId, Set.of());
        for (Alert a : alerts) {
            if (a.status() != Alert.Status.FIRING) {
                continue;
            }
            String host = a.labels().get("host");
            boolean explains = switch (a.name()) {
                case "KvmVmRecoveryFailed" -> vmId.equals(a.labels().get("vm"));
                case "KvmHostFencingFailed", "KvmHaEvacuationPlanMissing" -> hosts.contains(host);
                case "KvmHaMassFailureGuard" -> hosts.stream().anyMatch(this::everImpaired);
                default -> false;
            };
            if (explains) {
                return a.name() + " " + a.labels();
            }
        }
        return null;
    }

    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    int fences() {
        return fences;
    }

    /** Commands issued and not answered yet. */
    long unanswered() {
        return issued.keySet().stream().filter(id -> !answered.contains(id)).count();
    }

    int commandsIssued() {
        return issued.size();
    }

    List<Alert> alerts() {
        return List.copyOf(alerts);
    }

    Set<String> activeHosts(String vmId) {
        return Set.copyOf(activeOn.getOrDefault(vmId, Set.of()));
    }
}
