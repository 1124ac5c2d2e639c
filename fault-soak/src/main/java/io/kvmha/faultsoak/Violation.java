package io.kvmha.faultsoak;

import java.time.Instant;

/** One broken invariant, when it was seen and what exactly broke. */
public record Violation(Kind kind, Instant at, String detail) {

    public enum Kind {
        /** A VM was active on two hosts at once. */
        DOUBLE_RUN,
        /** An HA-protected VM ended the run not running, and no alert explains why. */
        HA_VM_NOT_RUNNING,
        /** A host was fenced (powered off by its BMC, or declared FENCED) while nothing was wrong with it. */
        HEALTHY_HOST_FENCED,
        /** One command changed the hypervisor in two separate executions. */
        COMMAND_EXECUTED_TWICE,
        /** A command never got a result although its host stayed reachable. */
        COMMAND_LOST
    }

    @Override
    public String toString() {
        return kind + " at " + World.START.until(at, java.time.temporal.ChronoUnit.MILLIS) / 1000.0 + " s: " + detail;
    }
}
