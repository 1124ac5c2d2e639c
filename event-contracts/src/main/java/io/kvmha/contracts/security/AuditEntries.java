package io.kvmha.contracts.security;

import io.kvmha.contracts.event.AuditRecord;
import io.kvmha.contracts.event.HostCommand;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The audit trail's two kinds of entry. Neither copies a request body or a credential. */
public final class AuditEntries {

    private AuditEntries() {
    }

    /** An automatic decision: the control plane issued a host command. */
    public static AuditRecord commandIssued(HostCommand command, Instant at) {
        Map<String, String> correlation = new LinkedHashMap<>();
        correlation.put("commandId", command.commandId());
        correlation.put("hostId", command.hostId());
        correlation.put("vmId", command.vmId());
        if (command.incidentId() != null) {
            correlation.put("incidentId", command.incidentId());
        }
        correlation.put("placementGeneration", Long.toString(command.placementGeneration()));
        if (command.signature() != null) {
            correlation.put("signedWith", command.signature().keyId());
        }
        return new AuditRecord(UUID.randomUUID().toString(), command.issuedBy(), AuditRecord.Origin.AUTOMATIC,
                "host-command " + command.action(), "host/" + command.hostId() + " vm/" + command.vmId(), "ISSUED",
                at, correlation);
    }

    /**
     * An operator's request to an API.
     *
     * @param role    the caller's role; null when the API runs without authentication
     * @param allowed false when the request was refused (401, 403) before reaching the API
     */
    public static AuditRecord apiRequest(String principal, ApiRole role, String method, String path, int status,
                                         boolean allowed, Instant at) {
        Map<String, String> correlation = new LinkedHashMap<>();
        correlation.put("method", method);
        correlation.put("path", path);
        correlation.put("status", Integer.toString(status));
        if (role != null) {
            correlation.put("role", role.label());
        }
        return new AuditRecord(UUID.randomUUID().toString(), principal, AuditRecord.Origin.OPERATOR,
                method + " " + path, path, (allowed ? "HTTP " : "DENIED ") + status, at, correlation);
    }
}
