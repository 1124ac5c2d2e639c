package io.kvmha.scheduler.core;

import static io.kvmha.scheduler.core.Fixtures.health;
import static io.kvmha.scheduler.core.Fixtures.host;
import static io.kvmha.scheduler.core.Fixtures.placement;
import static io.kvmha.scheduler.core.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.VmSpec;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {

    private final PlacementEngine engine = new PlacementEngine(AllocationRatios.DEFAULT);
    private final ClusterView view = new ClusterView();

    @Test
    void choosesTheOnlineHostWithTheMostUnclaimedMemoryNotTheLargestHost() {
        view.applyInventory(host("big", 8, 16384));
        view.applyInventory(host("small", 8, 8192));
        VmSpec hog = vm("hog", 1, 12288);
        view.applySpec(hog);
        view.applyPlacement(placement(hog, "big", 1));

        PlacementDecision decision = engine.place(vm("web", 2, 1024), view.snapshot(), Set.of());

        assertThat(decision).isInstanceOfSatisfying(PlacementDecision.Placed.class, placed -> {
            assertThat(placed.hostId()).isEqualTo("small");
            assertThat(placed.reason()).contains("8192 of 8192 MiB");
        });
    }

    @Test
    void aPlacementWithoutSpecClaimsNothing() {
        view.applyInventory(host("h1", 8, 4096));
        view.applyPlacement(placement(vm("ghost", 1, 4096), "h1", 1));

        assertThat(engine.place(vm("web", 1, 4096), view.snapshot(), Set.of()))
                .isInstanceOf(PlacementDecision.Placed.class);
    }

    @Test
    void vcpusAreOvercommittedByTheCpuRatioButMemoryIsNot() {
        view.applyInventory(host("h1", 2, 4096));

        assertThat(engine.place(vm("eight", 8, 1024), view.snapshot(), Set.of()))
                .isInstanceOf(PlacementDecision.Placed.class);
        assertThat(engine.place(vm("nine", 9, 1024), view.snapshot(), Set.of()))
                .isInstanceOfSatisfying(PlacementDecision.NoHostFits.class,
                        no -> assertThat(no.explanation()).contains("short of vCPUs: h1 (8 vCPUs unclaimed)"));
        assertThat(engine.place(vm("fat", 1, 4097), view.snapshot(), Set.of()))
                .isInstanceOf(PlacementDecision.NoHostFits.class);
        assertThat(new PlacementEngine(new AllocationRatios(1.0, 1.5)).place(vm("fat", 1, 6144), view.snapshot(), Set.of()))
                .isInstanceOf(PlacementDecision.Placed.class);
    }

    @Test
    void explainsWhyEveryHostWasRefused() {
        view.applyInventory(host("down", 64, 65536));
        view.applyHealth(health("down", HostState.DOWN));
        view.applyInventory(host("failed", 64, 65536));
        view.applyInventory(host("tiny", 8, 1024));

        PlacementDecision decision = engine.place(vm("db", 4, 4096), view.snapshot(), Set.of("failed"));

        assertThat(decision).isInstanceOfSatisfying(PlacementDecision.NoHostFits.class, no -> {
            assertThat(no.explanation()).isEqualTo("no host fits vm db (4 vCPUs, 4096 MiB) among 3 hosts: "
                    + "excluded: failed; not ONLINE: down (DOWN); short of memory: tiny (1024 MiB unclaimed)");
            assertThat(no.refusals()).extracting(Refusal::hostId).containsExactly("down", "failed", "tiny");
        });
    }

    @Test
    void summarisesManyRefusalsOfOneCause() {
        for (int i = 0; i < 5; i++) {
            view.applyInventory(host("h" + i, 8, 512));
        }
        PlacementDecision.NoHostFits no = (PlacementDecision.NoHostFits) engine.place(vm("db", 1, 1024), view.snapshot(), Set.of());
        assertThat(no.explanation()).endsWith("short of memory: h0 (512 MiB unclaimed), h1 (512 MiB unclaimed), "
                + "h2 (512 MiB unclaimed) and 2 more");
    }

    @Test
    void saysSoWhenNoHostIsKnown() {
        PlacementDecision.NoHostFits no = (PlacementDecision.NoHostFits) engine.place(vm("db", 1, 1024), view.snapshot(), Set.of());
        assertThat(no.explanation()).contains("no hosts known");
    }

    @Test
    void tiesGoToTheSmallerHostId() {
        view.applyInventory(host("h2", 8, 4096));
        view.applyInventory(host("h1", 8, 4096));
        assertThat(((PlacementDecision.Placed) engine.place(vm("a", 1, 16), view.snapshot(), Set.of())).hostId())
                .isEqualTo("h1");
    }
}
