package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the audit trail: an operator's request to a kvm-ha API, or a decision the control plane took by
 * itself (every host command it issued). Kept on {@code kvmha.audit} for 180 days. Never carries secrets: no
 * tokens, no BMC credentials, no request bodies.
 *
 * @param auditId     unique id of this entry
 * @param actor       who: the authenticated principal of an API request ({@code anonymous} when the API runs
 *                    without authentication), or the service that decided ({@code failover-service})
 * @param origin      an operator's request or an automatic decision
 * @param action      what, for people: {@code POST /api/v1/vms}, {@code host-command DEFINE_AND_START}
 * @param target      what it was done to: the request path, or {@code host/h1 vm/<vmId>}
 * @param outcome     how it ended: {@code HTTP 201}, {@code DENIED 403}, {@code ISSUED}
 * @param at          when
 * @param correlation ids to join with other topics: {@code hostId}, {@code vmId}, {@code incidentId},
 *                    {@code commandId}, and for API requests {@code method}, {@code path}, {@code status}, {@code role}
 */
public record AuditRecord(
        String auditId,
        String actor,
        Origin origin,
        String action,
        @Nullable String target,
        String outcome,
        Instant at,
        Map<String, String> correlation) implements KvmHaEvent {

    public AuditRecord {
        Required.field(auditId, "auditId");
        Required.field(actor, "actor");
        Required.field(origin, "origin");
        Required.field(action, "action");
        Required.field(outcome, "outcome");
        Required.field(at, "at");
        correlation = Required.map(correlation);
    }

    /** Keyed by actor, so one principal's or one service's actions stay in order. */
    @Override
    public String key() {
        return actor;
    }

    public enum Origin {
        /** A person (or a script with a person's token) called an API. */
        OPERATOR,
        /** The control plane decided by itself. */
        AUTOMATIC
    }
}
