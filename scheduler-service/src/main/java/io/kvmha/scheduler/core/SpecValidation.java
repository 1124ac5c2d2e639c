package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Rejects specs no cluster could ever place, naming the field and the rule. Whether the current cluster
 * has room is the engine's question, not this one's.
 */
public final class SpecValidation {

    /** Hugepage sizes x86-64 hosts offer (2 MiB, 1 GiB). */
    public static final List<Long> HUGEPAGE_SIZES_KIB = List.of(2048L, 1_048_576L);

    /** Most guest NUMA cells a VM may ask for. */
    public static final int MAX_NUMA_NODES = 8;

    /** @param rule a short machine-readable name: range, divisible, requires-dedicated, supported-size, ... */
    public record Violation(String field, String rule, String message) {
    }

    private SpecValidation() {
    }

    public static List<Violation> violations(VmSpec spec) {
        List<Violation> found = new ArrayList<>();
        int cells = 1;
        if (spec.numaNodes() != null) {
            cells = spec.numaNodes();
            if (cells < 1 || cells > MAX_NUMA_NODES) {
                found.add(new Violation("numaNodes", "range", "numaNodes must be 1.." + MAX_NUMA_NODES + ", was " + cells));
                cells = 1;
            } else {
                if (spec.vcpus() % cells != 0) {
                    found.add(new Violation("numaNodes", "divisible", "vcpus (" + spec.vcpus()
                            + ") must split evenly over " + cells + " NUMA cells"));
                }
                if (spec.memoryMib() % cells != 0) {
                    found.add(new Violation("numaNodes", "divisible", "memoryMib (" + spec.memoryMib()
                            + ") must split evenly over " + cells + " NUMA cells"));
                }
            }
        }
        if (spec.cpuThreadPolicy() != null && spec.effectiveCpuPolicy() != VmSpec.CpuPolicy.DEDICATED) {
            found.add(new Violation("cpuThreadPolicy", "requires-dedicated",
                    "cpuThreadPolicy " + spec.cpuThreadPolicy() + " needs cpuPolicy DEDICATED"));
        }
        if (spec.hugepageSizeKib() != null) {
            long page = spec.hugepageSizeKib();
            if (!HUGEPAGE_SIZES_KIB.contains(page)) {
                found.add(new Violation("hugepageSizeKib", "supported-size",
                        "hugepageSizeKib must be one of " + HUGEPAGE_SIZES_KIB + ", was " + page));
            } else if ((spec.memoryMib() / cells * 1024) % page != 0) {
                found.add(new Violation("hugepageSizeKib", "page-multiple", "memory per NUMA cell ("
                        + spec.memoryMib() / cells + " MiB) must be a whole number of " + page + " KiB pages"));
            }
        }
        for (String group : spec.affinityGroups()) {
            if (spec.antiAffinityGroups().contains(group)) {
                found.add(new Violation("affinityGroups", "conflict",
                        "group '" + group + "' is both an affinity and an anti-affinity group"));
            }
        }
        if (spec.affinityGroups().stream().anyMatch(String::isBlank)
                || spec.antiAffinityGroups().stream().anyMatch(String::isBlank)) {
            found.add(new Violation("antiAffinityGroups", "not-blank", "group names must not be blank"));
        }
        return found;
    }
}
