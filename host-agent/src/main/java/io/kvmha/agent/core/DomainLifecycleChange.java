package io.kvmha.agent.core;

import io.kvmha.contracts.event.VmLifecycleEvent;

/** One lifecycle change reported by the hypervisor, already in the contracts' vocabulary. */
public record DomainLifecycleChange(String uuid, String name, VmLifecycleEvent.Kind kind,
                                    VmLifecycleEvent.Reason reason) {
}
