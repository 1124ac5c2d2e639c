package io.kvmha.contracts.event;

/** What the control plane does for a VM when its host fails or is drained. */
public enum HaPolicy {
    /** Restart elsewhere after the failed host is fenced. */
    RESTART,
    /** For planned moves live-migrate; after a failure restart. */
    MIGRATE_THEN_RESTART,
    /** Not protected. */
    NONE;

    public boolean isProtected() {
        return this != NONE;
    }
}
