package io.kvmha.faultsoak;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;

/** One-line descriptions of events for a schedule's log. */
final class Describe {

    private Describe() {
    }

    static String event(KvmHaEvent event) {
        if (event instanceof HostCommand c) {
            return "HostCommand " + c.action() + " command=" + c.commandId() + " host=" + c.hostId()
                    + " vm=" + c.vmId() + " generation=" + c.placementGeneration() + " by=" + c.issuedBy()
                    + (c.incidentId() == null ? "" : " incident=" + c.incidentId());
        }
        if (event instanceof CommandResult r) {
            return "CommandResult " + r.action() + " command=" + r.commandId() + " host=" + r.hostId()
                    + " vm=" + r.vmId() + " -> " + r.outcome() + (r.error() == null ? "" : " (" + r.error() + ")");
        }
        if (event instanceof Placement p) {
            return "Placement vm=" + p.vmId() + " host=" + p.hostId() + " generation=" + p.generation()
                    + (p.incidentId() == null ? "" : " incident=" + p.incidentId());
        }
        if (event instanceof EvacuationRequest q) {
            return "EvacuationRequest request=" + q.requestId() + " incident=" + q.incidentId()
                    + " hosts=" + q.failedHostIds() + (q.vmIds().isEmpty() ? "" : " vms=" + q.vmIds() + " exclude=" + q.excludeHostIds());
        }
        if (event instanceof EvacuationPlan p) {
            return "EvacuationPlan request=" + p.requestId() + " incident=" + p.incidentId() + " "
                    + p.assignments().size() + " assigned " + p.unplaced().size() + " unplaced";
        }
        if (event instanceof HostHealthChange h) {
            return "HostHealthChange host=" + h.hostId() + " " + h.previous() + " -> " + h.current()
                    + (h.incidentId() == null ? "" : " incident=" + h.incidentId()) + ": " + String.join("; ", h.evidence());
        }
        if (event instanceof RecoveryRecord r) {
            return "RecoveryRecord incident=" + r.incidentId() + " host=" + r.hostId() + " " + r.status()
                    + " fencing=" + r.fencing();
        }
        if (event instanceof Alert a) {
            return "Alert " + a.name() + " " + a.status() + " " + a.labels();
        }
        return event.getClass().getSimpleName() + " key=" + event.key();
    }
}
