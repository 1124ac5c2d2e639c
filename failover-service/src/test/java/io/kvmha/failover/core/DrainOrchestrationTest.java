package io.kvmha.failover.core;

import static io.kvmha.failover.core.Fixtures.T0;
import static io.kvmha.failover.core.Fixtures.events;
import static io.kvmha.failover.core.Fixtures.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DrainOrchestrationTest {

    final VirtualClock clock = new VirtualClock(T0);
    final FailoverEngine engine = new FailoverEngine(clock, DetectionThresholds.DEFAULT,
            new HeartbeatFailureDetector(DetectionThresholds.DEFAULT), RecoveryPolicy.DEFAULT, Fixtures.sequentialIds());

    @BeforeEach
    void cluster() {
        for (String host : List.of("h1", "h2", "h3")) {
            engine.onInventory(SampleEvents.inventory(host));
            engine.onHeartbeat(heartbeat(host, 1, clock.instant()));
        }
        for (String vm : List.of("vm-a", "vm-b", "vm-c")) {
            engine.onSpec(vm, Fixtures.spec(vm, Tier.SILVER));
            engine.onPlacement(vm, Fixtures.placement(vm, "h1", 4));
        }
    }

    static CommandResult result(HostCommand c, CommandResult.Outcome outcome, Integer progress) {
        return new CommandResult(c.commandId(), c.hostId(), c.vmId(), c.action(), outcome,
                outcome == CommandResult.Outcome.FAILED ? "migration failed: connection refused" : null, 10,
                c.incidentId(), T0, progress, null);
    }

    @Test
    void migratesWithParallelismProgressAndPerVmFallbacks() {
        FailoverEngine.DrainStarted started = engine.drain(new DrainRequest("h1", List.of(
                new DrainRequest.Move("vm-a", "h2", DrainRequest.Fallback.ABORT),
                new DrainRequest.Move("vm-b", "h3", DrainRequest.Fallback.COLD_RESTART),
                new DrainRequest.Move("vm-c", "h2", DrainRequest.Fallback.ABORT)), 2, Duration.ofMinutes(10), "BIOS update"));

        assertThat(events(started.actions(), HostHealthChange.class)).singleElement()
                .extracting(HostHealthChange::current).isEqualTo(HostState.MAINTENANCE);
        List<HostCommand> migrations = events(started.actions(), HostCommand.class);
        assertThat(migrations).extracting(HostCommand::vmId).containsExactly("vm-a", "vm-b");
        assertThat(migrations).allSatisfy(c -> {
            assertThat(c.action()).isEqualTo(HostCommand.Action.MIGRATE);
            assertThat(c.hostId()).isEqualTo("h1");
            assertThat(c.incidentId()).isEqualTo(started.drainId());
            assertThat(c.migration().targetUri()).isNotBlank();
        });
        assertThat(migrations.get(0).migration().targetHostId()).isEqualTo("h2");

        engine.onCommandResult(result(migrations.get(0), CommandResult.Outcome.IN_PROGRESS, 40));
        assertThat(engine.drain(started.drainId()).orElseThrow().moves().get(0).progressPercent()).isEqualTo(40);

        List<HostCommand> next = events(engine.onCommandResult(result(migrations.get(0), CommandResult.Outcome.SUCCEEDED, null)),
                HostCommand.class);
        assertThat(next).extracting(HostCommand::vmId, HostCommand::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("vm-c", HostCommand.Action.MIGRATE));

        HostCommand shutdown = events(engine.onCommandResult(result(migrations.get(1), CommandResult.Outcome.FAILED, null)),
                HostCommand.class).get(0);
        assertThat(shutdown.action()).isEqualTo(HostCommand.Action.SHUTDOWN);
        assertThat(shutdown.hostId()).isEqualTo("h1");
        HostCommand start = events(engine.onCommandResult(result(shutdown, CommandResult.Outcome.SUCCEEDED, null)),
                HostCommand.class).get(0);
        assertThat(start.action()).as("started on the target only after it stopped on the source")
                .isEqualTo(HostCommand.Action.DEFINE_AND_START);
        assertThat(start.hostId()).isEqualTo("h3");
        assertThat(start.placementGeneration()).isEqualTo(4);
        engine.onCommandResult(result(start, CommandResult.Outcome.SUCCEEDED, null));
        engine.onCommandResult(result(next.get(0), CommandResult.Outcome.FAILED, null));

        DrainOrchestrator.DrainView view = engine.drain(started.drainId()).orElseThrow();
        assertThat(view.done()).isTrue();
        assertThat(view.moves()).extracting(DrainOrchestrator.MoveView::status).containsExactly(
                DrainOrchestrator.MoveStatus.MIGRATED, DrainOrchestrator.MoveStatus.RESTARTED, DrainOrchestrator.MoveStatus.ABORTED);
        assertThat(engine.hosts().get("h1").state()).as("drained hosts stay in maintenance").isEqualTo(HostState.MAINTENANCE);
    }

    @Test
    void movesNotStartedByTheDeadlineAreNotStarted() {
        FailoverEngine.DrainStarted started = engine.drain(new DrainRequest("h1", List.of(
                new DrainRequest.Move("vm-a", "h2", null), new DrainRequest.Move("vm-b", "h2", null)), 1,
                Duration.ofSeconds(10), null));
        HostCommand first = events(started.actions(), HostCommand.class).get(0);
        clock.advanceMillis(11_000);
        engine.tick();
        assertThat(events(engine.onCommandResult(result(first, CommandResult.Outcome.SUCCEEDED, null)), HostCommand.class)).isEmpty();
        DrainOrchestrator.DrainView view = engine.drain(started.drainId()).orElseThrow();
        assertThat(view.moves()).extracting(DrainOrchestrator.MoveView::status)
                .containsExactly(DrainOrchestrator.MoveStatus.MIGRATED, DrainOrchestrator.MoveStatus.ABORTED);
        assertThat(view.done()).isTrue();
        assertThatThrownBy(() -> engine.drain(new DrainRequest("h9", List.of(new DrainRequest.Move("x", "h2", null)), 1,
                Duration.ofSeconds(1), null))).isInstanceOf(IllegalArgumentException.class);
    }
}
