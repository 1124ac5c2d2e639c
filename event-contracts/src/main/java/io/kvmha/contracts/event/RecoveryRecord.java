package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The decision log of one incident: why a host was declared failed, how it was fenced, where each VM
 * went. Re-published whole on every change, keyed by incident id, and kept for a long time.
 *
 * @param fencing how the host was fenced, or why it was not ("UNSAFE: no fencing configured")
 */
public record RecoveryRecord(
        String incidentId,
        String hostId,
        Status status,
        @Nullable String fencing,
        List<TimelineEntry> timeline,
        List<VmRecovery> vms,
        Instant updatedAt) implements KvmHaEvent {

    public RecoveryRecord {
        Required.field(incidentId, "incidentId");
        Required.field(hostId, "hostId");
        Required.field(status, "status");
        Required.field(updatedAt, "updatedAt");
        timeline = Required.list(timeline);
        vms = Required.list(vms);
    }

    @Override
    public String key() {
        return incidentId;
    }

    public enum Status { OPEN, RECOVERED, PARTIAL, FAILED }

    public record TimelineEntry(Instant at, String phase, @Nullable String detail) {
        public TimelineEntry {
            Required.field(at, "timeline[].at");
            Required.field(phase, "timeline[].phase");
        }
    }

    public record VmRecovery(String vmId, @Nullable Tier tier, @Nullable String fromHost, @Nullable String toHost, VmStatus status,
                             @Nullable String detail, @Nullable Instant at) {
        public VmRecovery {
            Required.field(vmId, "vms[].vmId");
            Required.field(status, "vms[].status");
        }
    }

    public enum VmStatus { PENDING, STARTING, STARTED, FAILED, UNPLACEABLE }
}
