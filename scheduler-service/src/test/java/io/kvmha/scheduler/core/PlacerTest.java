package io.kvmha.scheduler.core;

import static io.kvmha.scheduler.core.Fixtures.T0;
import static io.kvmha.scheduler.core.Fixtures.host;
import static io.kvmha.scheduler.core.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PlacerTest {

    private final ClusterView view = new ClusterView();
    private final PlacementEngine engine = new PlacementEngine(AllocationRatios.DEFAULT);
    private final Placer placer = new Placer(view, engine, new EvacuationPlanner(engine), () -> T0);

    @Test
    void admitsAtGenerationOneAndClaimsAtOnce() {
        view.applyInventory(host("h1", 8, 4096));

        Admission first = placer.admit(vm("a", 1, 3072));
        Admission second = placer.admit(vm("b", 1, 2048));

        assertThat(first).isInstanceOfSatisfying(Admission.Admitted.class, a -> {
            assertThat(a.placement().generation()).isEqualTo(1);
            assertThat(a.placement().hostId()).isEqualTo("h1");
            assertThat(a.placement().placedAt()).isEqualTo(T0);
        });
        assertThat(second).isInstanceOfSatisfying(Admission.Rejected.class,
                r -> assertThat(r.decision().explanation()).contains("h1 (cell 0: 1024 MiB"));
    }

    @Test
    void refusesADuplicateName() {
        view.applyInventory(host("h1", 8, 4096));
        placer.admit(vm("a", 1, 16));
        VmSpec again = new VmSpec("other-id", "a", 1, 16, Tier.GOLD, HaPolicy.RESTART, 0, null, T0);
        assertThat(placer.admit(again)).isEqualTo(new Admission.DuplicateName("a", "id-a"));
    }

    @Test
    void concurrentAdmissionsNeverDoubleBook() throws Exception {
        view.applyInventory(host("h1", 64, 10 * 1024));
        view.applyInventory(host("h2", 64, 10 * 1024));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Admission>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                VmSpec spec = vm("vm" + i, 1, 1024);
                results.add(pool.submit(() -> placer.admit(spec)));
            }
            int admitted = 0;
            for (Future<Admission> result : results) {
                admitted += result.get() instanceof Admission.Admitted ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
        assertThat(view.<Long>read(l -> l.host("h1").orElseThrow().memoryUsedBytes())).isEqualTo(Units.mibToBytes(10 * 1024));
        assertThat(view.<Long>read(l -> l.host("h2").orElseThrow().memoryUsedBytes())).isEqualTo(Units.mibToBytes(10 * 1024));
    }

    @Test
    void releaseGivesBackAnUnpublishedClaim() {
        view.applyInventory(host("h1", 8, 4096));
        Admission.Admitted admitted = (Admission.Admitted) placer.admit(vm("a", 1, 4096));
        placer.release(admitted);
        assertThat(view.<Integer>read(l -> l.specs().size())).isZero();
        assertThat(placer.admit(vm("b", 1, 4096))).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void evacuationClaimsTheMovesAndARepeatedRequestGetsTheSamePlan() {
        view.applyInventory(host("h1", 8, 4096));
        view.applyInventory(host("h2", 8, 4096));
        VmSpec web = vm("web", 1, 1024);
        view.applySpec(web);
        view.applyPlacement(new Placement(web.vmId(), "h1", 3, List.of(), "test", null, T0));

        Placer.Evacuation first = placer.evacuate("req-1", "inc-1", Set.of("h1"));
        Placer.Evacuation again = placer.evacuate("req-1", "inc-1", Set.of("h1"));

        assertThat(first.repeated()).isFalse();
        assertThat(first.outcome().moves()).singleElement().satisfies(m -> {
            assertThat(m.targetHostId()).isEqualTo("h2");
            assertThat(m.placement().generation()).isEqualTo(4);
            assertThat(m.placement().incidentId()).isEqualTo("inc-1");
            assertThat(m.placement().reason()).isEqualTo("evacuation of h1");
        });
        assertThat(view.<String>read(l -> l.placement(web.vmId()).orElseThrow().hostId())).isEqualTo("h2");
        assertThat(again.repeated()).isTrue();
        assertThat(again.outcome()).isEqualTo(first.outcome());
    }

    @Test
    void aRePlacementMovesOnlyTheNamedVmsAwayFromTheHostsWhereTheirStartFailed() {
        for (String h : List.of("h1", "h2", "h3", "h4")) {
            view.applyInventory(host(h, 8, 4096));
        }
        VmSpec web = vm("web", 1, 1024);
        VmSpec db = vm("db", 1, 1024);
        view.applySpec(web);
        view.applySpec(db);
        view.applyPlacement(new Placement(web.vmId(), "h1", 3, List.of(), "test", null, T0));
        view.applyPlacement(new Placement(db.vmId(), "h1", 1, List.of(), "test", null, T0));
        EvacuationOutcome first = placer.evacuate("req-1", "inc-1", Set.of("h1")).outcome();
        String failedOn = first.moves().stream().filter(m -> m.spec().vmId().equals(web.vmId())).findFirst()
                .orElseThrow().targetHostId();

        Placer.Evacuation retry = placer.evacuate("req-2", "inc-1", Set.of("h1"), Set.of(web.vmId()), Set.of(failedOn));

        assertThat(retry.outcome().moves()).singleElement().satisfies(m -> {
            assertThat(m.spec().vmId()).isEqualTo(web.vmId());
            assertThat(m.targetHostId()).isNotIn("h1", failedOn);
            assertThat(m.placement().generation()).isEqualTo(5);
            assertThat(m.placement().incidentId()).isEqualTo("inc-1");
        });
        String second = retry.outcome().moves().get(0).targetHostId();
        Placer.Evacuation third = placer.evacuate("req-3", "inc-1", Set.of("h1"), Set.of(web.vmId()),
                Set.of(failedOn, second));
        assertThat(third.outcome().moves()).singleElement().extracting(EvacuationOutcome.Move::targetHostId)
                .isNotIn("h1", failedOn, second);
        String last = third.outcome().moves().get(0).targetHostId();
        assertThat(placer.evacuate("req-4", "inc-1", Set.of("h1"), Set.of(web.vmId()), Set.of("h2", "h3", "h4"))
                .outcome().unplaced()).singleElement().satisfies(u -> assertThat(u.spec().vmId()).isEqualTo(web.vmId()));
        assertThat(view.<String>read(l -> l.placement(web.vmId()).orElseThrow().hostId())).isEqualTo(last);
    }

    @Test
    void aRePlacementRequestForAVmANewerIncidentMovedSinceDoesNotMoveItAgain() {
        for (String h : List.of("h1", "h2", "h3", "h4")) {
            view.applyInventory(host(h, 8, 4096));
        }
        VmSpec web = vm("web", 1, 1024);
        view.applySpec(web);
        // inc-1 placed it on h2 (generation 2); h2 failed too, and inc-2 moved it to h3 (generation 3).
        view.applyPlacement(new Placement(web.vmId(), "h3", 3, List.of(), "evacuation of h2", "inc-2", T0));

        Placer.Evacuation stale = placer.evacuate("req-9", "inc-1", Set.of("h1"), Set.of(web.vmId()), Set.of("h2"));

        assertThat(stale.outcome().moves()).isEmpty();
        assertThat(stale.outcome().unplaced()).singleElement()
                .satisfies(u -> assertThat(u.reason()).startsWith("superseded: placed on h3 (generation 3, incident inc-2)"));
        assertThat(view.<Long>read(l -> l.placement(web.vmId()).orElseThrow().generation())).isEqualTo(3L);
    }
}
