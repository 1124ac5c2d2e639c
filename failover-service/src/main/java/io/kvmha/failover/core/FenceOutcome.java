package io.kvmha.failover.core;

import java.util.List;
import java.util.Objects;

/**
 * What the fencing drivers established about a host.
 *
 * @param result   the conclusion
 * @param method   the driver that concluded (redfish, ipmi), or "none" when no BMC is configured
 * @param attempts what each driver attempt saw, in order: the incident's fencing evidence. Never a secret.
 */
public record FenceOutcome(String hostId, String incidentId, Result result, String method, List<String> attempts) {

    public enum Result {
        /** A BMC confirmed the chassis is off (it was, or it is now after ForceOff). The host is fenced. */
        POWERED_OFF,
        /**
         * A BMC answered and would not (or could not) power the host off. Nothing may restart: its power is
         * known to be under no one's control and the host may be running.
         */
        REFUSED,
        /**
         * No BMC could be reached, or none is configured. The host is fenced only once the agents'
         * self-fence timeout plus the safety margin has passed since its last heartbeat.
         */
        NO_CONFIRMATION
    }

    public FenceOutcome {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(method, "method");
        attempts = List.copyOf(attempts);
    }

    public String summary() {
        return method + " " + result + (attempts.isEmpty() ? "" : ": " + String.join("; ", attempts));
    }
}
