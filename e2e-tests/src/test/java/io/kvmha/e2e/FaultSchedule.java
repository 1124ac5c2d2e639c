package io.kvmha.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded schedule of faults for the real testbed, the small sibling of the fault-soak module's schedules: two or
 * three faults on the three hosts, a few seconds apart, each undone (healed, powered on, BMC fixed) after its
 * duration. The same seed gives the same schedule.
 */
public record FaultSchedule(long seed, List<Fault> faults) {

    public enum Kind { POWER_LOSS, PARTITION, LIBVIRTD_CRASH, KILL_VM, BMC_REFUSES, BMC_UNREACHABLE }

    /** A fault at {@code atMillis} from the schedule's start, undone {@code forMillis} later (where it lasts). */
    public record Fault(Kind kind, String host, long atMillis, long forMillis) {

        /** Whether the fault silences the host, so fencing it is the failover's job. */
        public boolean silences() {
            return kind == Kind.POWER_LOSS || kind == Kind.PARTITION;
        }

        @Override
        public String toString() {
            return kind + "@" + atMillis / 1000.0 + "s " + host + (forMillis > 0 ? " for " + forMillis / 1000.0 + "s" : "");
        }
    }

    public static FaultSchedule generate(long seed, List<String> hosts) {
        Random random = new Random(seed);
        List<Fault> faults = new ArrayList<>();
        int count = 2 + random.nextInt(2);
        long at = 0;
        List<String> unsilenced = new ArrayList<>(hosts);
        for (int i = 0; i < count; i++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            if ((kind == Kind.POWER_LOSS || kind == Kind.PARTITION) && unsilenced.size() <= 1) {
                kind = Kind.KILL_VM; // at most two of the three hosts silenced: one must stay to run anything
            }
            // Silencing faults on distinct hosts (a powered-off host cannot also be partitioned).
            String host = kind == Kind.POWER_LOSS || kind == Kind.PARTITION
                    ? unsilenced.remove(random.nextInt(unsilenced.size()))
                    : hosts.get(random.nextInt(hosts.size()));
            long lasts = switch (kind) {
                case POWER_LOSS -> 20_000 + random.nextInt(15_000);
                case PARTITION -> 4_000 + random.nextInt(16_000); // below and above the agents' 10 s self-fence timeout
                case LIBVIRTD_CRASH -> 1_000 + random.nextInt(3_000);
                case KILL_VM -> 0;
                case BMC_REFUSES, BMC_UNREACHABLE -> 60_000; // lasts through what follows; fixed at the end
            };
            faults.add(new Fault(kind, host, at, lasts));
            at += random.nextInt(8_000);
        }
        return new FaultSchedule(seed, List.copyOf(faults));
    }

    @Override
    public String toString() {
        return "seed=" + seed + " " + faults;
    }
}
