package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Tier;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/vms}. The name is also the libvirt domain name, hence its pattern.
 *
 * @param haPolicy RESTART when absent
 * @param priority 0 when absent; higher restarts first within a tier
 */
public record CreateVmRequest(
        @NotNull @Pattern(regexp = NAME_PATTERN) String name,
        @NotNull @Min(1) @Max(256) Integer vcpus,
        @NotNull @Min(16) @Max(4_194_304) Long memoryMib,
        @NotNull Tier tier,
        HaPolicy haPolicy,
        Integer priority,
        Map<String, String> labels) {

    public static final String NAME_PATTERN = "[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}";

    public HaPolicy haPolicyOrDefault() {
        return haPolicy == null ? HaPolicy.RESTART : haPolicy;
    }

    public int priorityOrDefault() {
        return priority == null ? 0 : priority;
    }

    public Map<String, String> labelsOrEmpty() {
        return labels == null ? Map.of() : labels;
    }
}
