package io.kvmha.scheduler.core;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded random clusters and mixed workloads, for property tests and benchmarks. */
public final class RandomClusters {

    private RandomClusters() {
    }

    /** An engine with the default ratios and weights, SPREAD or PACK at random. */
    public static PlacementEngine engine(Random random) {
        return new PlacementEngine(new PlacementPolicy(AllocationRatios.DEFAULT,
                random.nextBoolean() ? PlacementPolicy.Mode.SPREAD : PlacementPolicy.Mode.PACK, 0.5, 0.5));
    }

    /** {@code hosts} hosts with 1..maxCells cells (or exactly {@code cells} when positive), some hugepages. */
    public static List<HostInventory> hosts(Random random, int hosts, int cells, int maxCells) {
        List<HostInventory> list = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            int n = cells > 0 ? cells : 1 + random.nextInt(maxCells);
            int cores = 2 + random.nextInt(7);
            long mib = 1024L * (2 + random.nextInt(15));
            long pages = random.nextInt(3) == 0 ? 256L * (1 + random.nextInt(4)) : 0;
            Map<String, String> labels = Map.of("rack", "r" + (i % 3));
            list.add(Fixtures.numaHost(String.format("h%04d", i), n, cores, mib, pages, labels));
        }
        return list;
    }

    /** A mixed VM: mostly shared small VMs, some dedicated, some hugepage-backed, some multi-cell, groups, labels. */
    public static VmSpec vm(Random random, String name) {
        return vm(random, name, 3);
    }

    /** @param groups how many anti-affinity groups the VMs draw from */
    public static VmSpec vm(Random random, String name, int groups) {
        Tier tier = Tier.values()[random.nextInt(3)];
        HaPolicy policy = HaPolicy.values()[random.nextInt(3)];
        int vcpus = 1 << random.nextInt(4);
        long mib = 256L * (1 + random.nextInt(8));
        Integer cells = random.nextInt(8) == 0 ? 2 : null;
        if (cells != null) {
            vcpus = Math.max(2, vcpus);
        }
        VmSpec.CpuPolicy cpu = random.nextInt(5) == 0 ? VmSpec.CpuPolicy.DEDICATED : null;
        VmSpec.CpuThreadPolicy threads = cpu == null ? null : VmSpec.CpuThreadPolicy.values()[random.nextInt(3)];
        Long pages = random.nextInt(6) == 0 ? 2048L : null;
        List<String> anti = random.nextInt(4) == 0 ? List.of("g" + random.nextInt(groups)) : List.of();
        Map<String, String> labels = random.nextInt(10) == 0 ? Map.of("rack", "r" + random.nextInt(3)) : Map.of();
        return new VmSpec("id-" + name, name, vcpus, mib, tier, policy, random.nextInt(10), Map.of(), Fixtures.T0, cells,
                cpu, threads, pages, List.of(), anti, labels);
    }
}
