package io.kvmha.failover.core;

import io.kvmha.contracts.event.Alert;
import java.time.Instant;
import java.util.Map;

/** The critical alerts the failover service raises itself (the monitor raises the rest). */
final class FailoverAlerts {

    static final String FENCING_FAILED = "KvmHostFencingFailed";
    static final String MASS_FAILURE = "KvmHaMassFailureGuard";
    static final String VM_RECOVERY_FAILED = "KvmVmRecoveryFailed";
    static final String PLAN_MISSING = "KvmHaEvacuationPlanMissing";
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

    static Alert vmRecoveryFailed(String vmId, String hostId, String incidentId, String why, Instant at) {
        return new Alert("failover-vm-recovery-failed-" + vmId, VM_RECOVERY_FAILED, Alert.Status.FIRING,
                Alert.Severity.CRITICAL,
                Map.of("alertname", VM_RECOVERY_FAILED, "host", hostId, "vm", vmId, "severity", "critical"),
                Map.of("summary", "VM " + vmId + " of failed host " + hostId + " could not be started anywhere",
                        "description", "incident " + incidentId + ": " + why + ". Start it by hand once a host can take it.",
                        "runbook_url", RUNBOOK + VM_RECOVERY_FAILED.toLowerCase()),
                at, null);
    }

    static Alert planMissing(String hostId, String incidentId, String requestId, String why, Instant at) {
        return new Alert("failover-plan-missing-" + incidentId, PLAN_MISSING, Alert.Status.FIRING, Alert.Severity.CRITICAL,
                Map.of("alertname", PLAN_MISSING, "host", hostId, "severity", "critical"),
                Map.of("summary", "No evacuation plan for the VMs of failed host " + hostId,
                        "description", "incident " + incidentId + " request " + requestId + ": " + why
                                + ". Is the scheduler running and reading kvmha.placement.requests? The incident stays "
                                + "open and a late plan is still carried out.",
                        "runbook_url", RUNBOOK + PLAN_MISSING.toLowerCase()),
                at, null);
    }
}
