package io.kvmha.failover.core;

/** A failure detector's judgement of one host, before any state machine or guard acts on it. */
public enum Liveness {
    ALIVE, SUSPECT, DEAD
}
