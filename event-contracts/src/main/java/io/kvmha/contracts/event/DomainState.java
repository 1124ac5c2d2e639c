package io.kvmha.contracts.event;

/** libvirt's domain states (virDomainState), named as libvirt names them. */
public enum DomainState {
    NOSTATE, RUNNING, BLOCKED, PAUSED, SHUTDOWN, SHUTOFF, CRASHED, PMSUSPENDED;

    /** States in which the guest occupies the host: a VM in one of these must not also run elsewhere. */
    public boolean isActive() {
        return this == RUNNING || this == BLOCKED || this == PAUSED || this == PMSUSPENDED || this == SHUTDOWN;
    }
}
