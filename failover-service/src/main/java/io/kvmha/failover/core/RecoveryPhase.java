package io.kvmha.failover.core;

/** The measured stretches of a recovery, each exported as a histogram. */
public enum RecoveryPhase {
    /** Last heartbeat received to host declared DOWN. */
    DETECT,
    /** Evacuation requested to plan received. */
    PLACE,
    /** Plan received to last VM started. */
    START,
    /** Last heartbeat received to last VM started. */
    TOTAL
}
