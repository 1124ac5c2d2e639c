package io.kvmha.agent.core;

import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;

/**
 * A domain as the hypervisor reports it; {@code uuid} is the VM's id. {@code haPolicy} comes from the
 * kvm-ha block of the domain's metadata; null for a domain kvm-ha did not define.
 */
public record HypervisorDomain(String uuid, String name, DomainState state, HaPolicy haPolicy) {

    public HypervisorDomain(String uuid, String name, DomainState state) {
        this(uuid, name, state, null);
    }

    public boolean isActive() {
        return state.isActive();
    }

    /** Whether the control plane restarts this VM elsewhere when the host fails (so it must never run twice). */
    public boolean isHaProtected() {
        return haPolicy != null && haPolicy != HaPolicy.NONE;
    }

    public HypervisorDomain withState(DomainState newState) {
        return new HypervisorDomain(uuid, name, newState, haPolicy);
    }
}
