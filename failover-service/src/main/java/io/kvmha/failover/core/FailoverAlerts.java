package io.kvmha.failover.core;

import io.kvmha.contracts.event.Alert;
import java.time.Instant;
import java.util.Map;

/** The critical alerts the failover service raises itself (the monitor raises the rest). */
final class FailoverAlerts {

    static final String FENCING_FAILED = "KvmHostFencingFailed";
    static final String MASS_FAILURE = "KvmHaMassFailureGuard";
    /** The runbooks live in docs/OPERATIONS.md, one section per alert, anchored by the lower-cased name. */
    private static final String RUNBOOK = "docs/OPERATIONS.md#";

    private FailoverAlerts() {
    }

    static Alert fencingFailed(String hostId, String incidentId, String why, Instant at) {
        return new Alert("failover-fencing-failed-" + hostId, FENCING_FAILED, Alert.Status.FIRING, Alert.Severity.CRITICAL,
                Map.of("alertname", FENCING_FAILED, "host", hostId, "severity", "critical"),
                Map.of("summary", "Host " + hostId + " could not be fenced; its VMs are NOT restarted",
                        "description", "incident " + incidentId + ": " + why + ". Power the host off by hand, then "
                                + "check the BMC; nothing restarts while the host may still run its VMs.",
                        "runbook_url", RUNBOOK + FENCING_FAILED.toLowerCase()),
                at, null);
    }

    static Alert massFailure(boolean firing, String why, Instant startsAt, Instant at) {
        return new Alert("failover-mass-failure-guard", MASS_FAILURE, firing ? Alert.Status.FIRING : Alert.Status.RESOLVED,
                Alert.Severity.CRITICAL, Map.of("alertname", MASS_FAILURE, "severity", "critical"),
                Map.of("summary", "Mass-failure guard engaged: no host is fenced or recovered",
                        "description", why + ". Release hosts known to be dead one by one: "
                                + "POST /api/v1/guard/hosts/{hostId}/release",
                        "runbook_url", RUNBOOK + MASS_FAILURE.toLowerCase()),
                startsAt, firing ? null : at);
    }
}
