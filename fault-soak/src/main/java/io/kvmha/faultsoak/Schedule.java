package io.kvmha.faultsoak;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded schedule: the cluster (6-10 hosts, 20-40 VMs of mixed tiers, most with HA policy RESTART, some NONE)
 * and 1-4 faults within a 30 s window. The same seed always gives the same schedule.
 */
public record Schedule(long seed, List<String> hosts, List<VmSpec> vms, List<Fault> faults) {

    static final Duration WINDOW = Duration.ofSeconds(30);
    private static final Fault.Kind[] KINDS = Fault.Kind.values();
    private static final List<Topic> DELAYABLE = List.of(Topic.HOST_HEARTBEATS, Topic.HOST_COMMANDS, Topic.COMMAND_RESULTS,
            Topic.PLACEMENTS, Topic.PLACEMENT_REQUESTS, Topic.PLACEMENT_PLANS, Topic.HOST_HEALTH);

    public Schedule {
        hosts = List.copyOf(hosts);
        vms = List.copyOf(vms);
        faults = List.copyOf(faults);
    }

    public static Schedule generate(long seed) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + 17);
        List<String> hosts = new ArrayList<>();
        int hostCount = 6 + r.nextInt(5);
        for (int i = 1; i <= hostCount; i++) {
            hosts.add(String.format("h%02d", i));
        }
        List<VmSpec> vms = new ArrayList<>();
        int vmCount = 20 + r.nextInt(21);
        for (int i = 1; i <= vmCount; i++) {
            Tier tier = Tier.values()[r.nextInt(3)];
            HaPolicy policy = r.nextInt(5) == 0 ? HaPolicy.NONE : HaPolicy.RESTART;
            String id = String.format("00000000-0000-4000-8000-%012d", seed % 1_000_000 * 1000 + i);
            vms.add(new VmSpec(id, String.format("vm%02d", i), 1 + r.nextInt(4), 1024L * (1 + r.nextInt(8)), tier, policy,
                    r.nextInt(100), Map.of(), World.START));
        }
        List<Fault> faults = new ArrayList<>();
        int faultCount = 1 + r.nextInt(4);
        List<String> hit = new ArrayList<>();
        for (int i = 0; i < faultCount; i++) {
            faults.add(fault(KINDS[r.nextInt(KINDS.length)], r, hosts, hit));
        }
        faults.sort(java.util.Comparator.comparing(Fault::at));
        return new Schedule(seed, hosts, vms, faults);
    }

    private static Fault fault(Fault.Kind kind, Random r, List<String> hosts, List<String> hit) {
        Duration at = Duration.ofMillis(r.nextInt((int) WINDOW.toMillis()));
        String host = hosts.get(r.nextInt(hosts.size()));
        return switch (kind) {
            case POWER_LOSS -> {
                hit.add(host);
                yield new Fault(kind, at, r.nextBoolean() ? null : seconds(r, 5, 25), List.of(host), null, 0);
            }
            case PARTITION -> {
                List<String> cut = new ArrayList<>(List.of(host));
                if (r.nextInt(10) < 3) {
                    int more = 1 + r.nextInt(2);
                    for (String h : hosts) {
                        if (cut.size() <= more && !cut.contains(h) && r.nextBoolean()) {
                            cut.add(h);
                        }
                    }
                }
                hit.addAll(cut);
                yield new Fault(kind, at, seconds(r, 3, 25), cut, null, 0);
            }
            case SLOW_HOST -> {
                hit.add(host);
                yield new Fault(kind, at, seconds(r, 4, 15), List.of(host), null, 0);
            }
            case LIBVIRTD_CRASH -> {
                hit.add(host);
                yield new Fault(kind, at, seconds(r, 2, 20), List.of(host), null, 0);
            }
            case AGENT_CRASH -> {
                hit.add(host);
                yield new Fault(kind, at, seconds(r, 1, 8), List.of(host), null, 0);
            }
            case BROKER_RESTART -> new Fault(kind, at, seconds(r, 2, 8), List.of(), null, 0);
            case FAILOVER_CRASH -> new Fault(kind, at, seconds(r, 1, 8), List.of(), null, 0);
            case SCHEDULER_CRASH, SCHEDULER_CRASH_MID_PLAN -> new Fault(kind, at, seconds(r, 1, 10), List.of(), null, 0);
            case BMC_TIMEOUT, BMC_FAILURE, BMC_SLOW -> {
                // A BMC fault matters only when its host needs fencing: prefer a host another fault hits.
                String target = hit.isEmpty() || r.nextInt(4) == 0 ? host : hit.get(r.nextInt(hit.size()));
                yield new Fault(kind, Duration.ZERO, null, List.of(target), null, 0);
            }
            case DUPLICATES -> new Fault(kind, at, seconds(r, 5, 30), List.of(), null, 0.05 + r.nextDouble() * 0.25);
            case REORDERING -> new Fault(kind, at, seconds(r, 5, 30), List.of(), null, 50 + r.nextInt(451));
            case DELAYED_RECORDS -> new Fault(kind, at, seconds(r, 5, 20), List.of(),
                    DELAYABLE.get(r.nextInt(DELAYABLE.size())), 200 + r.nextInt(2301));
        };
    }

    private static Duration seconds(Random r, int min, int max) {
        return Duration.ofMillis(min * 1000L + r.nextInt((max - min) * 1000 + 1));
    }
}
