package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.Map;

/**
 * The desired state of one VM, owned by the scheduler. Compacted by VM id; a tombstone deletes it.
 * {@code vmId} is also the libvirt domain UUID, so every host names the VM the same way.
 */
public record VmSpec(
        String vmId,
        String name,
        int vcpus,
        long memoryMib,
        Tier tier,
        HaPolicy haPolicy,
        int priority,
        Map<String, String> labels,
        Instant createdAt) implements KvmHaEvent {

    public VmSpec {
        Required.field(vmId, "vmId");
        Required.field(name, "name");
        Required.field(tier, "tier");
        Required.field(haPolicy, "haPolicy");
        Required.field(createdAt, "createdAt");
        if (vcpus < 1) {
            throw new IllegalArgumentException("vcpus must be at least 1, was " + vcpus);
        }
        if (memoryMib < 1) {
            throw new IllegalArgumentException("memoryMib must be at least 1, was " + memoryMib);
        }
        labels = Required.map(labels);
    }

    @Override
    public String key() {
        return vmId;
    }
}
