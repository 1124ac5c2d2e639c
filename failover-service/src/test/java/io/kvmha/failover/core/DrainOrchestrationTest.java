package io.kvmha.failover.core;

import static io.kvmha.failover.core.Fixtures.T0;
import static io.kvmha.failover.core.Fixtures.events;
import static io.kvmha.failover.core.Fixtures.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.VmSpec;
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

    static HostHeartbeat heartbeatWith(String host, long seq, java.time.Instant at,
                                                                 HostHeartbeat.DomainStatus... domains) {
        return new HostHeartbeat(host, seq, at, 1000, "0.1.0", HostHeartbeat.LibvirtConnectivity.CONNECTED,
                List.of(domains), false, false, true);
    }

    static HostHeartbeat.DomainStatus running(String vmId) {
        return new HostHeartbeat.DomainStatus(vmId, vmId, DomainState.RUNNING);
    }

    Placement move(String vmId, String target, long generation, String reason) {
        return new Placement(vmId, target, generation, List.of(), reason, null, clock.instant());
    }

    @Test
    void theSchedulersDrainPlacementsAloneDriveTheLiveMigrations() {
        engine.onSpec("vm-c", new VmSpec("vm-c", "vm-c", 1, 128, Tier.BRONZE, HaPolicy.NONE, 0, java.util.Map.of(), T0));
        engine.onHeartbeat(heartbeatWith("h1", 2, clock.instant(), running("vm-a"), running("vm-b"), running("vm-c")));

        Actions first = engine.onPlacement("vm-a", move("vm-a", "h2", 5, "drain of h1 (live migration)"));
        assertThat(events(first, HostHealthChange.class)).singleElement()
                .extracting(HostHealthChange::current).isEqualTo(HostState.MAINTENANCE);
        HostCommand migrateA = events(first, HostCommand.class).get(0);
        assertThat(migrateA.action()).isEqualTo(HostCommand.Action.MIGRATE);
        assertThat(migrateA.hostId()).isEqualTo("h1");
        assertThat(migrateA.migration().targetHostId()).isEqualTo("h2");
        assertThat(migrateA.migration().targetUri()).as("inventory names no reachable host (test:///default)")
                .isEqualTo("qemu+tcp://h2/system");

        HostCommand migrateB = events(engine.onPlacement("vm-b", move("vm-b", "h3", 5, "drain of h1 (live migration)")),
                HostCommand.class).get(0);
        assertThat(events(engine.onPlacement("vm-c", move("vm-c", "h3", 5, "drain of h1 (live migration)")),
                HostCommand.class)).as("parallelism 2").isEmpty();
        assertThat(engine.onPlacement("vm-a", move("vm-a", "h2", 5, "drain of h1 (live migration)")).events())
                .as("a replayed placement").isEmpty();

        List<DrainOrchestrator.DrainView> drains = engine.drains("h1", null);
        assertThat(drains).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DrainRequest.Kind.DRAIN);
            assertThat(d.parallelism()).isEqualTo(DrainPolicy.DEFAULT.parallelism());
            assertThat(d.moves()).extracting(DrainOrchestrator.MoveView::vmId, DrainOrchestrator.MoveView::fallback,
                    DrainOrchestrator.MoveView::status).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("vm-a", DrainRequest.Fallback.COLD_RESTART, DrainOrchestrator.MoveStatus.MIGRATING),
                    org.assertj.core.groups.Tuple.tuple("vm-b", DrainRequest.Fallback.COLD_RESTART, DrainOrchestrator.MoveStatus.MIGRATING),
                    org.assertj.core.groups.Tuple.tuple("vm-c", DrainRequest.Fallback.ABORT, DrainOrchestrator.MoveStatus.PENDING));
        });
        assertThat(engine.drains(null, "vm-c")).hasSize(1);
        assertThat(engine.drains("h2", null)).isEmpty();

        engine.onCommandResult(result(migrateA, CommandResult.Outcome.IN_PROGRESS, 55));
        assertThat(engine.drains(null, "vm-a").get(0).moves().get(0).progressPercent()).isEqualTo(55);
        HostCommand migrateC = events(engine.onCommandResult(result(migrateA, CommandResult.Outcome.SUCCEEDED, null)),
                HostCommand.class).get(0);
        assertThat(migrateC.vmId()).isEqualTo("vm-c");
        engine.onCommandResult(result(migrateB, CommandResult.Outcome.SUCCEEDED, null));
        engine.onCommandResult(result(migrateC, CommandResult.Outcome.FAILED, null));
        DrainOrchestrator.DrainView done = engine.drains("h1", null).get(0);
        assertThat(done.done()).isTrue();
        assertThat(done.moves()).extracting(DrainOrchestrator.MoveView::status).containsExactly(
                DrainOrchestrator.MoveStatus.MIGRATED, DrainOrchestrator.MoveStatus.MIGRATED, DrainOrchestrator.MoveStatus.ABORTED);
    }

    @Test
    void aMigrationPlacementMovesOneVmFromWhereItRunsWithoutMaintenance() {
        engine.onHeartbeat(heartbeatWith("h3", 2, clock.instant(), running("vm-a")));
        engine.onHeartbeat(heartbeatWith("h1", 2, clock.instant(),
                new HostHeartbeat.DomainStatus("vm-b", "vm-b", DomainState.SHUTOFF)));

        Actions moved = engine.onPlacement("vm-a", move("vm-a", "h2", 5, "migration from h1 (live)"));
        assertThat(events(moved, HostHealthChange.class)).isEmpty();
        assertThat(events(moved, HostCommand.class)).singleElement().satisfies(c -> {
            assertThat(c.hostId()).as("where the heartbeats show it, not where it was placed").isEqualTo("h3");
            assertThat(c.action()).isEqualTo(HostCommand.Action.MIGRATE);
        });
        DrainOrchestrator.DrainView migration = engine.drains(null, "vm-a").get(0);
        assertThat(migration.kind()).isEqualTo(DrainRequest.Kind.MIGRATION);
        assertThat(migration.hostId()).isEqualTo("h3");

        assertThat(engine.onPlacement("vm-b", move("vm-b", "h2", 5, "migration from h1 (live)")).events()).isEmpty();
        assertThat(engine.drains(null, "vm-b").get(0).moves()).singleElement()
                .extracting(DrainOrchestrator.MoveView::status).isEqualTo(DrainOrchestrator.MoveStatus.NOT_RUNNING);

        engine.onHeartbeat(heartbeatWith("h2", 2, clock.instant(), running("vm-c")));
        assertThat(engine.onPlacement("vm-c", move("vm-c", "h2", 5, "migration from h1 (live)")).events()).isEmpty();
        assertThat(engine.drains(null, "vm-c").get(0).moves().get(0).detail()).isEqualTo("already running on h2");
    }

    @Test
    void movePlacementsReadOnStartUpOrNotMovesAreNotActedOn() {
        assertThat(engine.onPlacement("vm-new", move("vm-new", "h2", 3, "drain of h1 (live migration)")).events())
                .as("no previous placement: a replay on start-up").isEmpty();
        assertThat(engine.onPlacement("vm-a", new Placement("vm-a", "h2", 5, List.of(), "evacuation of h1", "inc-1",
                clock.instant())).events()).isEmpty();
        assertThat(engine.onPlacement("vm-b", new Placement("vm-b", "h2", 5, List.of(), "drain of h1 (live migration)", null,
                clock.instant().minus(Duration.ofHours(1)))).events()).as("older than the drain deadline").isEmpty();
        assertThat(engine.drains()).isEmpty();
    }

    @Test
    void aMoveWhoseAgentFallsSilentFailsAfterTheTimeoutAndFreesItsSlot() {
        FailoverEngine.DrainStarted started = engine.drain(new DrainRequest("h1", List.of(
                new DrainRequest.Move("vm-a", "h2", null), new DrainRequest.Move("vm-b", "h2", null)), 1,
                Duration.ofMinutes(10), null));
        HostCommand first = events(started.actions(), HostCommand.class).get(0);
        clock.advance(RecoveryPolicy.DEFAULT.startTimeout().minusSeconds(1));
        engine.onCommandResult(result(first, CommandResult.Outcome.IN_PROGRESS, 10)); // progress keeps it alive
        clock.advance(RecoveryPolicy.DEFAULT.startTimeout().minusSeconds(1));
        assertThat(events(engine.tick(), HostCommand.class)).isEmpty();

        clock.advanceMillis(1000);
        List<HostCommand> next = events(engine.tick(), HostCommand.class);
        assertThat(next).extracting(HostCommand::vmId).containsExactly("vm-b");
        DrainOrchestrator.MoveView silent = engine.drain(started.drainId()).orElseThrow().moves().get(0);
        assertThat(silent.status()).isEqualTo(DrainOrchestrator.MoveStatus.FAILED);
        assertThat(silent.detail()).contains("no word of command " + first.commandId());
        engine.onCommandResult(result(next.get(0), CommandResult.Outcome.SUCCEEDED, null));
        assertThat(engine.drain(started.drainId()).orElseThrow().done()).isTrue();
    }
}
