package io.kvmha.scheduler.core;

import static io.kvmha.scheduler.core.Fixtures.health;
import static io.kvmha.scheduler.core.Fixtures.host;
import static io.kvmha.scheduler.core.Fixtures.placement;
import static io.kvmha.scheduler.core.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.VmSpec;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

    private final ClusterView view = new ClusterView();

    @Test
    void aHostWithoutHealthJudgementIsOnlineAndATombstoneClearsIt() {
        view.applyInventory(host("h1", 8, 4096));
        assertThat(view.snapshot().host("h1").orElseThrow().state()).isEqualTo(HostState.ONLINE);

        view.applyHealth(health("h1", HostState.DOWN));
        assertThat(view.snapshot().host("h1").orElseThrow().state()).isEqualTo(HostState.DOWN);

        view.clearHealth("h1");
        assertThat(view.snapshot().host("h1").orElseThrow().state()).isEqualTo(HostState.ONLINE);
    }

    @Test
    void healthOfAnUnknownHostWaitsForItsInventory() {
        view.applyHealth(health("h1", HostState.MAINTENANCE));
        assertThat(view.snapshot().hosts()).isEmpty();
        view.applyInventory(host("h1", 8, 4096));
        assertThat(view.snapshot().host("h1").orElseThrow().state()).isEqualTo(HostState.MAINTENANCE);
        view.removeHost("h1");
        assertThat(view.snapshot().hosts()).isEmpty();
    }

    @Test
    void placementsOnlyMoveForwardSoAnOldEchoCannotUndoANewerDecision() {
        VmSpec web = vm("web", 1, 1024);
        view.applySpec(web);
        assertThat(view.applyPlacement(placement(web, "h1", 1))).isTrue();
        assertThat(view.applyPlacement(placement(web, "h1", 1))).as("echo").isFalse();
        assertThat(view.applyPlacement(placement(web, "h2", 2))).isTrue();
        assertThat(view.applyPlacement(placement(web, "h1", 1))).as("replay of gen 1").isFalse();

        assertThat(view.snapshot().placement(web.vmId()).orElseThrow().hostId()).isEqualTo("h2");
        assertThat(view.snapshot().usage("h2").memoryBytes()).isEqualTo(Units.mibToBytes(1024));
        assertThat(view.snapshot().usage("h1")).isEqualTo(HostUsage.NONE);
    }

    @Test
    void aSpecTombstoneFreesTheCapacity() {
        VmSpec web = vm("web", 2, 1024);
        view.applySpec(web);
        view.applyPlacement(placement(web, "h1", 1));
        assertThat(view.snapshot().usage("h1")).isEqualTo(new HostUsage(Units.mibToBytes(1024), 2, 1));

        view.deleteSpec(web.vmId());
        assertThat(view.snapshot().usage("h1")).isEqualTo(HostUsage.NONE);
        assertThat(view.snapshot().vms()).isEmpty();
    }
}
