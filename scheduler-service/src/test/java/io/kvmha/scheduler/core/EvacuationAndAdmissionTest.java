package io.kvmha.scheduler.core;

import static io.kvmha.scheduler.core.Fixtures.numaHost;
import static io.kvmha.scheduler.core.Fixtures.numaVm;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvacuationAndAdmissionTest {

    private final ClusterView view = new ClusterView(AllocationRatios.DEFAULT);
    private final PlacementEngine engine = new PlacementEngine(AllocationRatios.DEFAULT);

    private Placer placer(TierQuotas quotas, int k) {
        return new Placer(view, engine, new EvacuationPlanner(engine, quotas), quotas,
                new FailoverAdmission(k, EnumSet.allOf(Tier.class), engine), () -> Fixtures.T0);
    }

    private static VmSpec vm(String name, int vcpus, long mib, Tier tier, Integer cells) {
        return numaVm(name, vcpus, mib, tier, HaPolicy.RESTART, cells, null, null, null, List.of(), Map.of());
    }

    private void down(String hostId) {
        view.exclusively(() -> {
            view.ledger().setHealth(hostId, HostState.DOWN);
            return null;
        });
    }

    @Test
    void admissionRefusesAVmThatWouldLeaveAHostsHaVmsNowhereToRestart() {
        view.applyInventory(numaHost("h1", 1, 4, 4096, 0, Map.of()));
        view.applyInventory(numaHost("h2", 1, 4, 4096, 0, Map.of()));
        Placer placer = placer(TierQuotas.NONE, 1);
        assertThat(placer.admit(vm("a", 1, 2048, Tier.GOLD, null))).isInstanceOf(Admission.Admitted.class);
        assertThat(placer.admit(vm("b", 1, 2048, Tier.GOLD, null))).isInstanceOf(Admission.Admitted.class);
        assertThat(placer.headroom().reserveHolds()).isTrue();
        assertThat(placer.headroom().headroomBytes()).isZero();
        assertThat(placer.admit(vm("c", 1, 1024, Tier.GOLD, null)))
                .isInstanceOfSatisfying(Admission.Refused.class, r -> {
                    assertThat(r.rule()).isEqualTo(Admission.Rule.FAILOVER_RESERVE);
                    assertThat(r.reason()).contains("N+1").contains("could no longer all restart");
                });
        assertThat(view.<Integer>read(l -> l.specs().size())).as("the refused claim is undone").isEqualTo(2);
        assertThat(placer(TierQuotas.NONE, 0).admit(vm("c", 1, 1024, Tier.GOLD, null)))
                .as("K = 0 disables the reserve").isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void anAffinityGroupIsAdmittedUnderTheReserveAndMovesTogetherWhenItsHostFails() {
        view.applyInventory(numaHost("h1", 1, 8, 8192, 0, Map.of()));
        view.applyInventory(numaHost("h2", 1, 8, 8192, 0, Map.of()));
        view.applyInventory(numaHost("h3", 1, 8, 8192, 0, Map.of()));
        Placer placer = placer(TierQuotas.NONE, 1);
        for (String name : List.of("g1", "g2", "g3")) {
            VmSpec member = new VmSpec("id-" + name, name, 1, 512, Tier.GOLD, HaPolicy.RESTART, 0, Map.of(), Fixtures.T0,
                    null, null, null, null, List.of("web"), List.of(), Map.of());
            // The reserve check evacuates the group's own host in simulation: its members there must not anchor it.
            assertThat(placer.admit(member)).isInstanceOf(Admission.Admitted.class);
        }
        String home = view.read(l -> l.placement("id-g1").orElseThrow().hostId());
        assertThat(List.of("id-g2", "id-g3")).allMatch(id -> view.read(l -> l.placement(id).orElseThrow().hostId()).equals(home));

        down(home);
        EvacuationOutcome outcome = placer.evacuate("r1", "i1", Set.of(home)).outcome();

        assertThat(outcome.unplaced()).isEmpty();
        assertThat(outcome.moves()).hasSize(3);
        assertThat(outcome.moves().stream().map(EvacuationOutcome.Move::targetHostId).distinct().toList())
                .as("the group lands together on one survivor").hasSize(1).doesNotContain(home);
    }

    @Test
    void tierQuotaRefusesAtCreateAndGoldMayBorrowDuringFailover() {
        view.applyInventory(numaHost("h1", 1, 8, 4096, 0, Map.of()));
        view.applyInventory(numaHost("h2", 1, 8, 4096, 0, Map.of()));
        view.applyInventory(numaHost("h3", 1, 8, 4096, 0, Map.of()));
        Placer placer = placer(new TierQuotas(0.25, 0.25, 0.25), 0);
        assertThat(placer.admit(vm("g1", 1, 1536, Tier.GOLD, null))).isInstanceOf(Admission.Admitted.class);
        assertThat(placer.admit(vm("g2", 1, 1536, Tier.GOLD, null))).isInstanceOf(Admission.Admitted.class);
        assertThat(placer.admit(vm("g3", 1, 1024, Tier.GOLD, null))).isInstanceOfSatisfying(Admission.Refused.class,
                r -> assertThat(r.reason()).startsWith("tier GOLD quota: 25% of 12288 MiB = 3072 MiB"));
        assertThat(placer.admit(vm("s1", 1, 1536, Tier.SILVER, null))).isInstanceOf(Admission.Admitted.class);
        assertThat(placer.admit(vm("s2", 1, 1536, Tier.SILVER, null))).isInstanceOf(Admission.Admitted.class);

        String goldHost = view.read(l -> l.placement("id-g1").orElseThrow().hostId());
        String silverHost = view.read(l -> l.placement("id-s1").orElseThrow().hostId());
        down(goldHost);
        EvacuationOutcome gold = placer.evacuate("r1", "i1", Set.of(goldHost)).outcome();
        assertThat(gold.unplaced()).filteredOn(u -> u.spec().tier() == Tier.GOLD).isEmpty();
        if (!silverHost.equals(goldHost)) {
            down(silverHost);
            EvacuationOutcome silver = placer.evacuate("r2", "i2", Set.of(silverHost)).outcome();
            assertThat(silver.unplaced()).filteredOn(u -> u.spec().tier() == Tier.SILVER)
                    .allSatisfy(u -> assertThat(u.reason()).startsWith("tier SILVER quota"));
        }
    }

    @Test
    void evacuationKeepsTheNumaShapeAndFallsBackOnlyWhenItMust() {
        view.applyInventory(numaHost("h1", 2, 4, 4096, 0, Map.of()));
        view.applyInventory(numaHost("h2", 2, 4, 4096, 0, Map.of()));
        view.applyInventory(numaHost("h3", 1, 8, 16384, 0, Map.of()));
        Placer placer = placer(TierQuotas.NONE, 0);
        VmSpec wide = vm("wide", 4, 6144, Tier.GOLD, null); // fits only split over 2 cells of h1/h2, or h3 whole
        view.applySpec(wide);
        view.applyPlacement(new Placement(wide.vmId(), "h1", 1, List.of(0, 1), "t", null, Fixtures.T0, List.of(
                new Placement.NumaClaim(0, 0, List.of(0, 1), 3072, List.of(), List.of(), List.of(), null, null),
                new Placement.NumaClaim(1, 1, List.of(2, 3), 3072, List.of(), List.of(), List.of(), null, null))));
        down("h1");
        EvacuationOutcome outcome = placer.evacuate("r", "i", Set.of("h1")).outcome();
        assertThat(outcome.moves()).singleElement().satisfies(m -> {
            assertThat(m.targetHostId()).isEqualTo("h2");
            assertThat(m.placement().numaClaims()).hasSize(2);
            assertThat(m.placement().reason()).isEqualTo("evacuation of h1");
        });
        down("h2");
        EvacuationOutcome again = placer.evacuate("r2", "i2", Set.of("h2")).outcome();
        assertThat(again.moves()).singleElement().satisfies(m -> {
            assertThat(m.targetHostId()).isEqualTo("h3");
            assertThat(m.placement().numaClaims()).hasSize(1);
            assertThat(m.placement().reason()).contains("NUMA shape changed from 2 to 1 cells");
        });
        assertThat(view.<List<String>>read(LedgerAudit::problems)).isEmpty();
    }

    @Test
    void evacuationOrdersByTierThenPriorityAndReportsWhatFitsNowhere() {
        view.applyInventory(numaHost("h1", 1, 8, 8192, 0, Map.of()));
        view.applyInventory(numaHost("h2", 1, 8, 2048, 0, Map.of()));
        Placer placer = placer(TierQuotas.NONE, 0);
        VmSpec bronze = numaVm("b", 1, 1024, Tier.BRONZE, HaPolicy.RESTART, null, null, null, null, List.of(), Map.of());
        VmSpec gold = numaVm("g", 1, 1024, Tier.GOLD, HaPolicy.RESTART, null, null, null, null, List.of(), Map.of());
        VmSpec none = numaVm("n", 1, 512, Tier.GOLD, HaPolicy.NONE, null, null, null, null, List.of(), Map.of());
        VmSpec big = numaVm("x", 1, 4096, Tier.SILVER, HaPolicy.MIGRATE_THEN_RESTART, null, null, null, null,
                List.of(), Map.of());
        for (VmSpec vm : List.of(bronze, gold, none, big)) {
            view.applySpec(vm);
            view.applyPlacement(Fixtures.placement(vm, "h1", 1));
        }
        down("h1");
        EvacuationOutcome outcome = placer.evacuate("r", "i", Set.of("h1")).outcome();
        assertThat(outcome.moves()).extracting(m -> m.spec().name()).containsExactly("g", "b");
        assertThat(outcome.unplaced()).singleElement().satisfies(u -> {
            assertThat(u.spec().name()).isEqualTo("x");
            assertThat(u.reason()).contains("excluded: h1").contains("no NUMA fit: h2 (cell 0: 1024 MiB");
        });
    }

    @Test
    void drainGivesEveryVmALiveMigrationTargetAndExcludesTheHostUntilUndrained() {
        view.applyInventory(numaHost("h1", 2, 4, 4096, 0, Map.of()));
        view.applyInventory(numaHost("h2", 2, 4, 4096, 0, Map.of()));
        Placer placer = placer(TierQuotas.NONE, 0);
        for (String name : List.of("a", "b", "c")) {
            VmSpec vm = numaVm(name, 2, 1024, Tier.SILVER, name.equals("c") ? HaPolicy.NONE : HaPolicy.RESTART, null,
                    VmSpec.CpuPolicy.DEDICATED, null, null, List.of(), Map.of());
            view.applySpec(vm);
            PlacementDecision.Placed placed = (PlacementDecision.Placed) view.read(l ->
                    engine.place(vm, l, Set.of("h2")));
            view.applyPlacement(new Placement(vm.vmId(), "h1", 1, placed.hostCells(), "t", null, Fixtures.T0,
                    placed.claims()));
        }
        EvacuationOutcome drain = placer.drain("h1").orElseThrow();
        assertThat(drain.moves()).hasSize(3).allSatisfy(m -> {
            assertThat(m.targetHostId()).isEqualTo("h2");
            assertThat(m.placement().reason()).isEqualTo("drain of h1 (live migration)");
            assertThat(m.placement().numaClaims().get(0).pins()).hasSize(2);
        });
        assertThat(drain.unplaced()).isEmpty();
        assertThat(view.<List<String>>read(LedgerAudit::problems)).isEmpty();
        Admission next = placer.admit(vm("d", 1, 256, Tier.BRONZE, null));
        assertThat(next).isInstanceOfSatisfying(Admission.Admitted.class,
                a -> assertThat(a.placement().hostId()).isEqualTo("h2"));
        assertThat(placer.undrain("h1")).isTrue();
        assertThat(placer.admit(vm("e", 1, 256, Tier.BRONZE, null))).isInstanceOfSatisfying(Admission.Admitted.class,
                a -> assertThat(a.placement().hostId()).isEqualTo("h1"));
        assertThat(placer.drain("nope")).isEmpty();
    }

    @Test
    void migrateToAGivenHostOrRefuseWithTheReason() {
        view.applyInventory(numaHost("h1", 1, 4, 4096, 0, Map.of()));
        view.applyInventory(numaHost("h2", 1, 4, 4096, 0, Map.of()));
        view.applyInventory(numaHost("h3", 1, 4, 1024, 0, Map.of()));
        Placer placer = placer(TierQuotas.NONE, 0);
        Admission.Admitted a = (Admission.Admitted) placer.admit(vm("a", 1, 2048, Tier.GOLD, null));
        String other = a.placement().hostId().equals("h1") ? "h2" : "h1";
        EvacuationOutcome ok = placer.migrate("id-a", other).orElseThrow();
        assertThat(ok.moves()).singleElement().satisfies(m -> {
            assertThat(m.targetHostId()).isEqualTo(other);
            assertThat(m.placement().generation()).isEqualTo(2);
        });
        EvacuationOutcome refused = placer.migrate("id-a", "h3").orElseThrow();
        assertThat(refused.unplaced()).singleElement().satisfies(u -> assertThat(u.reason()).contains("h3"));
        assertThat(placer.migrate("unknown", null)).isEmpty();
    }

    @Test
    void aRequestRedeliveredToAnotherInstanceListsTheMovesAlreadyMadeAndPlacesNothingTwice() {
        view.applyInventory(numaHost("h1", 1, 8, 8192, 0, Map.of()));
        view.applyInventory(numaHost("h2", 1, 8, 8192, 0, Map.of()));
        view.applyInventory(numaHost("h3", 1, 8, 8192, 0, Map.of()));
        for (String name : List.of("a", "b", "c")) {
            VmSpec vm = vm(name, 1, 1024, Tier.SILVER, null);
            view.applySpec(vm);
            view.applyPlacement(Fixtures.placement(vm, "h1", 1));
        }
        down("h1");
        EvacuationOutcome first = placer(TierQuotas.NONE, 0).evacuate("r1", "inc-1", Set.of("h1")).outcome();
        // The standby's view holds those placements (it read them back); it never saw the request.
        EvacuationOutcome again = placer(TierQuotas.NONE, 0).evacuate("r1", "inc-1", Set.of("h1")).outcome();
        assertThat(again.moves()).extracting(m -> m.placement()).containsExactlyElementsOf(
                first.moves().stream().map(EvacuationOutcome.Move::placement).toList());
        assertThat(again.moves()).allSatisfy(m -> assertThat(m.placement().generation()).isEqualTo(2));
        assertThat(again.unplaced()).isEmpty();
    }
}
