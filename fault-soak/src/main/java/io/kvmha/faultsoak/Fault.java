package io.kvmha.faultsoak;

import io.kvmha.contracts.topic.Topic;
import java.time.Duration;
import java.util.List;

/**
 * One injected fault of a schedule.
 *
 * @param at     when it starts, from the start of the fault window
 * @param length how long it lasts; null: until everything is healed
 * @param hosts  the hosts it hits (empty for cluster-wide faults)
 * @param topic  the topic a DELAYED_RECORDS fault slows down, else null
 * @param amount DUPLICATES: the chance a delivery is duplicated; REORDERING and DELAYED_RECORDS: milliseconds
 */
public record Fault(Kind kind, Duration at, Duration length, List<String> hosts, Topic topic, double amount) {

    public enum Kind {
        POWER_LOSS, PARTITION, SLOW_HOST, LIBVIRTD_CRASH, AGENT_CRASH, BROKER_RESTART, FAILOVER_CRASH, SCHEDULER_CRASH,
        BMC_TIMEOUT, BMC_FAILURE, BMC_SLOW, DUPLICATES, REORDERING, DELAYED_RECORDS,
        /** The scheduler dies right after publishing an evacuation's placements, before its plan. */
        SCHEDULER_CRASH_MID_PLAN;

        boolean hitsHost() {
            return switch (this) {
                case POWER_LOSS, PARTITION, SLOW_HOST, LIBVIRTD_CRASH, AGENT_CRASH -> true;
                default -> false;
            };
        }

        boolean isBmc() {
            return this == BMC_TIMEOUT || this == BMC_FAILURE || this == BMC_SLOW;
        }
    }

    public Fault {
        hosts = List.copyOf(hosts);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(kind.name()).append('@').append(seconds(at));
        if (!hosts.isEmpty()) {
            s.append(' ').append(String.join(",", hosts));
        }
        s.append(length == null ? " until heal" : " for " + seconds(length));
        switch (kind) {
            case DUPLICATES -> s.append(String.format(" p=%.2f", amount));
            case REORDERING -> s.append(" jitter=").append((long) amount).append("ms");
            case DELAYED_RECORDS -> s.append(' ').append(topic.topicName()).append(" +").append((long) amount).append("ms");
            default -> { }
        }
        return s.toString();
    }

    private static String seconds(Duration d) {
        return String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
