package io.kvmha.failover.core;

/** The measured stretches of a recovery, each exported as a histogram. */
public enum RecoveryPhase {
    /** Last heartbeat received to host declared DOWN. */
    DETECT,
    /** Host declared DOWN to host fenced (BMC power-off confirmed, agent self-fenced, or self-fence deadline). */
    FENCE,
    /** Evacuation requested (right after fencing) to plan received. */
    PLACE,
    /** Plan received to last VM started. */
    START,
    /** Last heartbeat received to last VM started. */
    TOTAL
}
