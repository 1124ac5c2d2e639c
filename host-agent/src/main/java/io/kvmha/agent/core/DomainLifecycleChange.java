package io.kvmha.agent.core;

import io.kvmha.contracts.event.VmLifecycleEvent;

/**
 * One lifecycle change, already in the contracts' vocabulary. {@code reconciled} is true when the agent
 * reconstructed it by comparing domain lists after a disconnection, instead of libvirt reporting it.
 */
public record DomainLifecycleChange(String uuid, String name, VmLifecycleEvent.Kind kind,
                                    VmLifecycleEvent.Reason reason, boolean reconciled) {

    public DomainLifecycleChange(String uuid, String name, VmLifecycleEvent.Kind kind, VmLifecycleEvent.Reason reason) {
        this(uuid, name, kind, reason, false);
    }
}
