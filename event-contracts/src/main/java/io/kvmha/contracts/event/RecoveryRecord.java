package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The decision log of one incident: why a host was declared failed, how it was fenced, where each VM
 * went. Re-published whole on every change, keyed by incident id, and kept for a long time.
 *
 * @param fencing         how the host was fenced, or why it was not
 * @param requestId       the incident's evacuation request id (lets the instance that takes over resume it)
 * @param lastHeartbeatAt receive time of the failed host's last heartbeat (start of the recovery clock)
 */
public record RecoveryRecord(
        String incidentId,
        String hostId,
        Status status,
        @Nullable String fencing,
        List<TimelineEntry> timeline,
        List<VmRecovery> vms,
        Instant updatedAt,
        @Nullable String requestId,
        @Nullable Instant lastHeartbeatAt) implements KvmHaEvent {

    public RecoveryRecord {
        Required.field(incidentId, "incidentId");
        Required.field(hostId, "hostId");
        Required.field(status, "status");
        Required.field(updatedAt, "updatedAt");
        timeline = Required.list(timeline);
        vms = Required.list(vms);
    }

    /** A record without resume data. */
    public RecoveryRecord(String incidentId, String hostId, Status status, @Nullable String fencing,
                          List<TimelineEntry> timeline, List<VmRecovery> vms, Instant updatedAt) {
        this(incidentId, hostId, status, fencing, timeline, vms, updatedAt, null, null);
    }

    @Override
    public String key() {
        return incidentId;
    }

    /**
     * RECOVERED: every VM started; PARTIAL: some; FAILED: none, or fencing failed (nothing restarted);
     * ABORTED: the host proved alive (heartbeating, not self-fenced) before it was fenced, nothing restarted.
     */
    public enum Status { OPEN, RECOVERED, PARTIAL, FAILED, ABORTED }

    public record TimelineEntry(Instant at, String phase, @Nullable String detail) {
        public TimelineEntry {
            Required.field(at, "timeline[].at");
            Required.field(phase, "timeline[].phase");
        }
    }

    /**
     * @param commandId           the start command in flight or done (re-issued with the same id on resume: the
     *                            agent answers a known id with its first result, so nothing starts twice)
     * @param placementGeneration the placement generation the VM is started under
     */
    public record VmRecovery(String vmId, @Nullable Tier tier, @Nullable String fromHost, @Nullable String toHost, VmStatus status,
                             @Nullable String detail, @Nullable Instant at, @Nullable String commandId,
                             @Nullable Long placementGeneration) {
        public VmRecovery {
            Required.field(vmId, "vms[].vmId");
            Required.field(status, "vms[].status");
        }

        /** A VM without resume data. */
        public VmRecovery(String vmId, @Nullable Tier tier, @Nullable String fromHost, @Nullable String toHost,
                          VmStatus status, @Nullable String detail, @Nullable Instant at) {
            this(vmId, tier, fromHost, toHost, status, detail, at, null, null);
        }
    }

    public enum VmStatus { PENDING, STARTING, STARTED, FAILED, UNPLACEABLE }
}
