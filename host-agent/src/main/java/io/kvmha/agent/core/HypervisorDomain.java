package io.kvmha.agent.core;

import io.kvmha.contracts.event.DomainState;

/** A domain as the hypervisor reports it; {@code uuid} is the VM's id. */
public record HypervisorDomain(String uuid, String name, DomainState state) {

    public boolean isActive() {
        return state.isActive();
    }
}
