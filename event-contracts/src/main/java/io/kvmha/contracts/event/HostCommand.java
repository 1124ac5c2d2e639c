package io.kvmha.contracts.event;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An action for the agent of one host. Idempotent by {@code commandId}: a redelivered command gets its
 * first result again. An agent refuses commands addressed to another host or past their deadline.
 *
 * @param spec      the VM's spec, required for DEFINE_AND_START
 * @param migration where and how to live-migrate, required for MIGRATE
 * @param autostart the autostart flag to set, required for SET_AUTOSTART
 * @param signature the control plane's signature over the command's canonical form
 *                  ({@code io.kvmha.contracts.security.CanonicalCommand}); null from unsigned senders, which an
 *                  agent that verifies signatures rejects
 */
public record HostCommand(
        String commandId,
        String hostId,
        String vmId,
        Action action,
        @Nullable VmSpec spec,
        long placementGeneration,
        @Nullable String incidentId,
        String issuedBy,
        Instant issuedAt,
        Instant deadline,
        @Nullable Migration migration,
        @Nullable Boolean autostart,
        @Nullable Signature signature) implements KvmHaEvent {

    public HostCommand {
        Required.field(commandId, "commandId");
        Required.field(hostId, "hostId");
        Required.field(vmId, "vmId");
        Required.field(action, "action");
        Required.field(issuedBy, "issuedBy");
        Required.field(issuedAt, "issuedAt");
        Required.field(deadline, "deadline");
        if (action == Action.DEFINE_AND_START && spec == null) {
            throw new MissingFieldException("spec");
        }
        if (action == Action.MIGRATE && migration == null) {
            throw new MissingFieldException("migration");
        }
        if (action == Action.SET_AUTOSTART && autostart == null) {
            throw new MissingFieldException("autostart");
        }
    }

    /** An unsigned command (the version before signatures). */
    public HostCommand(String commandId, String hostId, String vmId, Action action, @Nullable VmSpec spec,
                       long placementGeneration, @Nullable String incidentId, String issuedBy, Instant issuedAt,
                       Instant deadline, @Nullable Migration migration, @Nullable Boolean autostart) {
        this(commandId, hostId, vmId, action, spec, placementGeneration, incidentId, issuedBy, issuedAt, deadline,
                migration, autostart, null);
    }

    /** A command without migration or autostart parameters. */
    public HostCommand(String commandId, String hostId, String vmId, Action action, @Nullable VmSpec spec,
                       long placementGeneration, @Nullable String incidentId, String issuedBy, Instant issuedAt,
                       Instant deadline) {
        this(commandId, hostId, vmId, action, spec, placementGeneration, incidentId, issuedBy, issuedAt, deadline,
                null, null, null);
    }

    /** This command with {@code signature} in place of any earlier one. */
    public HostCommand withSignature(@Nullable Signature signature) {
        return new HostCommand(commandId, hostId, vmId, action, spec, placementGeneration, incidentId, issuedBy,
                issuedAt, deadline, migration, autostart, signature);
    }

    @Override
    public String key() {
        return hostId;
    }

    public enum Action {
        DEFINE_AND_START, START, DESTROY, UNDEFINE,
        /** Graceful shutdown; destroyed when it has not stopped by the deadline. */
        SHUTDOWN,
        /** Live migration to another host; progress is reported as IN_PROGRESS results. */
        MIGRATE,
        SET_AUTOSTART
    }

    /**
     * A live migration: live, persistent on the destination, undefined on the source, peer-to-peer.
     *
     * @param targetUri       the destination's libvirt URI, as the source host reaches it
     * @param bandwidthMiBps  bandwidth limit; 0 means libvirt's default
     * @param maxDowntimeMs   the longest pause of the guest allowed at switch-over; 0 means libvirt's default
     */
    public record Migration(String targetHostId, String targetUri, long bandwidthMiBps, long maxDowntimeMs) {
        public Migration {
            Required.field(targetHostId, "migration.targetHostId");
            Required.field(targetUri, "migration.targetUri");
        }
    }

    /**
     * An Ed25519 signature of the command by the control plane.
     *
     * @param keyId which of the agent's trusted keys verifies it
     * @param value the signature, base64 (RFC 4648, with padding)
     */
    public record Signature(String keyId, String value) {
        public Signature {
            Required.field(keyId, "signature.keyId");
            Required.field(value, "signature.value");
        }
    }
}
