package io.kvmha.failover.core;

import io.kvmha.contracts.testing.VirtualClock;
import static io.kvmha.failover.core.Fixtures.T0;
import static io.kvmha.failover.core.Fixtures.assign;
import static io.kvmha.failover.core.Fixtures.commands;
import static io.kvmha.failover.core.Fixtures.lastRecord;
import static io.kvmha.failover.core.Fixtures.placement;
import static io.kvmha.failover.core.Fixtures.plan;
import static io.kvmha.failover.core.Fixtures.request;
import static io.kvmha.failover.core.Fixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.RecoveryRecord.Status;
import io.kvmha.contracts.event.RecoveryRecord.VmStatus;
import io.kvmha.contracts.event.Tier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecoveryCoordinatorTest {

    final VirtualClock clock = new VirtualClock(T0.plusSeconds(3));
    RecoveryCoordinator coordinator = new RecoveryCoordinator(clock, RecoveryPolicy.DEFAULT, Fixtures.sequentialIds());

    HealthTransition down(String host) {
        return new HealthTransition(host, HostState.SUSPECT, HostState.DOWN, List.of("no heartbeat for 2.1 s"),
                clock.instant(), clock.instant().minusMillis(2100));
    }

    EvacuationRequest open(String host, String... vms) {
        List<io.kvmha.contracts.event.Placement> placed = new ArrayList<>();
        for (String vm : vms) {
            placed.add(placement(vm, host, 1));
        }
        coordinator.hostDown(down(host), placed);
        return request(coordinator.fenced(host, "redfish: chassis power confirmed off"));
    }

    @Test
    void oneIncidentPerFailedHostEvenWhenDeclaredDownAgain() {
        EvacuationRequest first = open("h1", "vm-a");
        Actions again = coordinator.hostDown(down("h1"), List.of());

        assertThat(Fixtures.events(again, EvacuationRequest.class)).isEmpty();
        assertThat(coordinator.incidents()).singleElement().extracting(IncidentSnapshot::incidentId)
                .isEqualTo(first.incidentId());
        assertThat(lastRecord(again).timeline()).last().extracting(RecoveryRecord.TimelineEntry::phase)
                .isEqualTo("declared-down-again");
    }

    @Test
    void aPlanIssuesStartCommandsInPlanOrderAndSuccessRecovers() {
        EvacuationRequest req = open("h1", "vm-a", "vm-b");
        clock.advanceMillis(5);
        Actions planned = coordinator.planReceived(plan(req.requestId(), req.incidentId(),
                List.of(assign("vm-b", "h1", "h2"), assign("vm-a", "h1", "h3")), List.of()));

        List<HostCommand> commands = commands(planned);
        assertThat(commands).extracting(HostCommand::vmId).containsExactly("vm-b", "vm-a");
        assertThat(commands).extracting(HostCommand::hostId).containsExactly("h2", "h3");
        assertThat(commands).allSatisfy(c -> {
            assertThat(c.action()).isEqualTo(HostCommand.Action.DEFINE_AND_START);
            assertThat(c.incidentId()).isEqualTo(req.incidentId());
            assertThat(c.issuedBy()).isEqualTo("failover-service");
            assertThat(c.placementGeneration()).isEqualTo(2);
            assertThat(c.deadline()).isEqualTo(clock.instant().plusSeconds(60));
        });
        assertThat(lastRecord(planned).vms()).extracting(RecoveryRecord.VmRecovery::status)
                .containsOnly(VmStatus.STARTING);
        assertThat(planned.durations()).containsEntry(RecoveryPhase.PLACE, Duration.ofMillis(5));

        clock.advanceMillis(300);
        Actions first = coordinator.commandResult(result(commands.get(0), Outcome.SUCCEEDED));
        assertThat(lastRecord(first).status()).isEqualTo(Status.OPEN);
        clock.advanceMillis(100);
        Actions second = coordinator.commandResult(result(commands.get(1), Outcome.SUCCEEDED));

        RecoveryRecord record = lastRecord(second);
        assertThat(record.status()).isEqualTo(Status.RECOVERED);
        assertThat(record.vms()).extracting(RecoveryRecord.VmRecovery::status).containsOnly(VmStatus.STARTED);
        assertThat(record.timeline()).extracting(RecoveryRecord.TimelineEntry::phase).containsExactly(
                "detected", "fenced", "evacuation-requested", "plan-received",
                "start-issued", "start-issued", "vm-started", "vm-started", "recovered");
        assertThat(second.closed()).containsExactly(Status.RECOVERED);
        assertThat(second.durations())
                .containsEntry(RecoveryPhase.START, Duration.ofMillis(400))
                .containsEntry(RecoveryPhase.TOTAL, Duration.ofMillis(2100 + 5 + 400));
        assertThat(coordinator.openIncident("h1")).isEmpty();
    }

    @Test
    void aFailedStartMakesTheIncidentPartialAndAllFailedMakesItFailed() {
        coordinator = new RecoveryCoordinator(clock, new RecoveryPolicy(8, 4, Duration.ofSeconds(60), "failover-service",
                Duration.ofSeconds(10), 3, 1, Duration.ofSeconds(90)), Fixtures.sequentialIds()); // one host per VM
        EvacuationRequest req = open("h1");
        List<HostCommand> commands = commands(coordinator.planReceived(plan(req.requestId(), req.incidentId(),
                List.of(assign("vm-a", "h1", "h2"), assign("vm-b", "h1", "h2")), List.of())));
        coordinator.commandResult(result(commands.get(0), Outcome.SUCCEEDED));
        Actions last = coordinator.commandResult(result(commands.get(1), Outcome.REJECTED));
        assertThat(lastRecord(last).status()).isEqualTo(Status.PARTIAL);
        assertThat(lastRecord(last).vms()).filteredOn(vm -> vm.vmId().equals("vm-b")).singleElement()
                .satisfies(vm -> assertThat(vm.detail()).isEqualTo("start REJECTED: boom; given up after 1 host(s) [h2]"));
        assertThat(Fixtures.events(last, io.kvmha.contracts.event.Alert.class)).singleElement()
                .extracting(io.kvmha.contracts.event.Alert::name).isEqualTo("KvmVmRecoveryFailed");

        EvacuationRequest req2 = open("h9");
        HostCommand only = commands(coordinator.planReceived(plan(req2.requestId(), req2.incidentId(),
                List.of(assign("vm-z", "h9", "h2")), List.of()))).get(0);
        Actions failed = coordinator.commandResult(result(only, Outcome.FAILED));
        assertThat(lastRecord(failed).status()).isEqualTo(Status.FAILED);
        assertThat(failed.closed()).containsExactly(Status.FAILED);
        assertThat(failed.durations()).doesNotContainKeys(RecoveryPhase.START, RecoveryPhase.TOTAL);
    }

    @Test
    void unplacedVmsAreUnplaceableAndVmsOutsideThePlanAreLeftAlone() {
        EvacuationRequest req = open("h1", "vm-a", "vm-b", "vm-unprotected");
        Actions planned = coordinator.planReceived(plan(req.requestId(), req.incidentId(),
                List.of(assign("vm-a", "h1", "h2")),
                List.of(new EvacuationPlan.Unplaced("vm-b", Tier.SILVER, "no host has 4096 MiB free"))));
        RecoveryRecord record = lastRecord(planned);
        assertThat(record.vms()).extracting(RecoveryRecord.VmRecovery::vmId, RecoveryRecord.VmRecovery::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("vm-a", VmStatus.STARTING),
                        org.assertj.core.groups.Tuple.tuple("vm-b", VmStatus.UNPLACEABLE));
        assertThat(record.timeline()).extracting(RecoveryRecord.TimelineEntry::phase).contains("vm-unplaceable", "not-in-plan");

        Actions done = coordinator.commandResult(result(commands(planned).get(0), Outcome.SUCCEEDED));
        assertThat(lastRecord(done).status()).isEqualTo(Status.PARTIAL);
    }

    @Test
    void anEmptyPlanRecoversAtOnce() {
        EvacuationRequest req = open("h1");
        Actions planned = coordinator.planReceived(plan(req.requestId(), req.incidentId(), List.of(), List.of()));
        assertThat(lastRecord(planned).status()).isEqualTo(Status.RECOVERED);
    }

    @Test
    void startsAreLimitedPerIncidentAndTheNextGoesWhenOneSettles() {
        coordinator = new RecoveryCoordinator(clock, new RecoveryPolicy(2, Duration.ofSeconds(60), "failover-service"),
                Fixtures.sequentialIds());
        EvacuationRequest req = open("h1");
        List<EvacuationPlan.Assignment> five = IntStream.rangeClosed(1, 5).mapToObj(i -> assign("vm-" + i, "h1", "h2")).toList();
        List<HostCommand> firstWave = commands(coordinator.planReceived(plan(req.requestId(), req.incidentId(), five, List.of())));
        assertThat(firstWave).extracting(HostCommand::vmId).containsExactly("vm-1", "vm-2");

        List<HostCommand> next = commands(coordinator.commandResult(result(firstWave.get(1), Outcome.SUCCEEDED)));
        assertThat(next).extracting(HostCommand::vmId).containsExactly("vm-3");
        List<HostCommand> afterFailure = commands(coordinator.commandResult(result(firstWave.get(0), Outcome.FAILED)));
        assertThat(afterFailure).extracting(HostCommand::vmId).containsExactly("vm-4");
    }

    @Test
    void startsAreLimitedPerTargetHostAndTheBestTierGoesFirstAcrossIncidents() {
        coordinator = new RecoveryCoordinator(clock, new RecoveryPolicy(3, 1, Duration.ofSeconds(60), "failover-service"),
                Fixtures.sequentialIds());
        EvacuationRequest a = open("h1");
        List<HostCommand> first = commands(coordinator.planReceived(plan(a.requestId(), a.incidentId(),
                List.of(assign("vm-1", "h1", "h2"), assign("vm-2", "h1", "h2"), assign("vm-3", "h1", "h3")), List.of())));
        assertThat(first).extracting(HostCommand::vmId).as("h2 takes one start at a time").containsExactly("vm-1", "vm-3");

        clock.advanceMillis(10);
        EvacuationRequest b = open("h4");
        EvacuationPlan.Assignment bronze = new EvacuationPlan.Assignment(Fixtures.spec("vm-b", io.kvmha.contracts.event.Tier.BRONZE),
                "h4", "h5", 2);
        EvacuationPlan.Assignment gold = assign("vm-g", "h4", "h6");
        List<HostCommand> second = commands(coordinator.planReceived(plan(b.requestId(), b.incidentId(), List.of(gold, bronze), List.of())));
        assertThat(second).extracting(HostCommand::vmId).as("one cluster slot left").containsExactly("vm-g");

        // vm-1 done: h2 is free and a cluster slot opens; the older incident's GOLD vm-2 beats the BRONZE vm-b.
        List<HostCommand> third = commands(coordinator.commandResult(result(first.get(0), Outcome.SUCCEEDED)));
        assertThat(third).extracting(HostCommand::vmId).containsExactly("vm-2");
    }

    @Test
    void redeliveredPlansAndResultsChangeNothing() {
        EvacuationRequest req = open("h1");
        EvacuationPlan thePlan = plan(req.requestId(), req.incidentId(), List.of(assign("vm-a", "h1", "h2")), List.of());
        HostCommand command = commands(coordinator.planReceived(thePlan)).get(0);

        assertThat(coordinator.planReceived(thePlan).events()).isEmpty();
        Actions done = coordinator.commandResult(result(command, Outcome.SUCCEEDED));
        assertThat(done.closed()).containsExactly(Status.RECOVERED);
        Actions again = coordinator.commandResult(result(command, Outcome.SUCCEEDED));
        assertThat(again.events()).isEmpty();
        assertThat(again.closed()).isEmpty();
        assertThat(coordinator.planReceived(thePlan).events()).isEmpty();
        assertThat(coordinator.incident(req.incidentId()).orElseThrow().timeline())
                .filteredOn(e -> e.phase().equals("vm-started")).hasSize(1);
    }

    @Test
    void plansAndResultsOfOtherIncidentsOrRequestsAreIgnored() {
        EvacuationRequest req = open("h1");
        assertThat(coordinator.planReceived(plan(req.requestId(), "no-such-incident",
                List.of(assign("vm-a", "h1", "h2")), List.of())).events()).isEmpty();
        assertThat(coordinator.planReceived(plan("another-request", req.incidentId(),
                List.of(assign("vm-a", "h1", "h2")), List.of())).events()).isEmpty();
        HostCommand foreign = new HostCommand("cmd-x", "h2", "vm-a", HostCommand.Action.DEFINE_AND_START,
                Fixtures.spec("vm-a", Tier.GOLD), 1, null, "scheduler-service", T0, T0.plusSeconds(60));
        assertThat(coordinator.commandResult(result(foreign, Outcome.SUCCEEDED))).isEqualTo(Actions.NONE);
    }

    @Test
    void incidentsAreListedNewestFirst() {
        open("h1");
        clock.advanceMillis(10);
        open("h2");
        assertThat(coordinator.incidents()).extracting(IncidentSnapshot::hostId).containsExactly("h2", "h1");
    }

    static EvacuationPlan.Assignment assignWith(String vmId, String from, String to, long generation) {
        return new EvacuationPlan.Assignment(Fixtures.spec(vmId, Tier.GOLD), from, to, generation);
    }

    @Test
    void aFailedStartIsRePlacedExcludingTheHostsThatFailedUntilItStartsOrTheHostsRunOut() {
        EvacuationRequest req = open("h1", "vm-a", "vm-b");
        List<HostCommand> first = commands(coordinator.planReceived(plan(req.requestId(), req.incidentId(),
                List.of(assign("vm-a", "h1", "h2"), assign("vm-b", "h1", "h2")), List.of())));
        coordinator.commandResult(result(first.get(1), Outcome.SUCCEEDED));

        Actions failed = coordinator.commandResult(result(first.get(0), Outcome.FAILED));
        EvacuationRequest retry = Fixtures.events(failed, EvacuationRequest.class).get(0);
        assertThat(retry.incidentId()).isEqualTo(req.incidentId());
        assertThat(retry.requestId()).isNotEqualTo(req.requestId());
        assertThat(retry.failedHostIds()).containsExactly("h1");
        assertThat(retry.vmIds()).containsExactly("vm-a");
        assertThat(retry.excludeHostIds()).containsExactly("h2");
        assertThat(lastRecord(failed).status()).isEqualTo(Status.OPEN);
        assertThat(coordinator.commandResult(result(first.get(0), Outcome.FAILED)).events()).as("duplicate result").isEmpty();

        HostCommand second = commands(coordinator.planReceived(plan(retry.requestId(), req.incidentId(),
                List.of(assignWith("vm-a", "h2", "h3", 3)), List.of()))).get(0);
        assertThat(second.hostId()).isEqualTo("h3");
        assertThat(second.placementGeneration()).isEqualTo(3);
        assertThat(coordinator.planReceived(plan(retry.requestId(), req.incidentId(),
                List.of(assignWith("vm-a", "h2", "h3", 3)), List.of())).events()).as("plan redelivered").isEmpty();

        clock.advance(RecoveryPolicy.DEFAULT.startTimeout());
        Actions timedOut = coordinator.tick(clock.instant());
        EvacuationRequest third = Fixtures.events(timedOut, EvacuationRequest.class).get(0);
        assertThat(third.excludeHostIds()).as("no result is a failure too").containsExactly("h2", "h3");
        assertThat(coordinator.commandResult(result(second, Outcome.SUCCEEDED)).events())
                .as("a late result of a start given up").isEmpty();

        Actions exhausted = coordinator.planReceived(plan(third.requestId(), req.incidentId(), List.of(),
                List.of(new EvacuationPlan.Unplaced("vm-a", Tier.GOLD, "no host has 128 MiB free"))));
        assertThat(Fixtures.events(exhausted, io.kvmha.contracts.event.Alert.class)).singleElement()
                .satisfies(a -> assertThat(a.annotations().get("description")).contains("[h2, h3]"));
        assertThat(lastRecord(exhausted).status()).isEqualTo(Status.PARTIAL);
        assertThat(lastRecord(exhausted).timeline()).extracting(RecoveryRecord.TimelineEntry::phase)
                .contains("replacement-requested", "replacement-plan-received", "vm-given-up");
    }

    @Test
    void aRequestWithoutAPlanIsSentAgainThenACriticalAlertIsRaisedOnceAndALatePlanStillCounts() {
        EvacuationRequest req = open("h1", "vm-a");
        clock.advance(RecoveryPolicy.DEFAULT.planTimeout().minusMillis(1));
        assertThat(coordinator.tick(clock.instant()).events()).isEmpty();
        List<EvacuationRequest> sent = new ArrayList<>();
        List<io.kvmha.contracts.event.Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clock.advance(RecoveryPolicy.DEFAULT.planTimeout());
            Actions tick = coordinator.tick(clock.instant());
            sent.addAll(Fixtures.events(tick, EvacuationRequest.class));
            alerts.addAll(Fixtures.events(tick, io.kvmha.contracts.event.Alert.class));
        }
        assertThat(sent).hasSize(RecoveryPolicy.DEFAULT.planAttempts() - 1)
                .allSatisfy(r -> assertThat(r.requestId()).as("idempotent").isEqualTo(req.requestId()));
        assertThat(alerts).singleElement().extracting(io.kvmha.contracts.event.Alert::name)
                .isEqualTo("KvmHaEvacuationPlanMissing");
        assertThat(coordinator.openIncident("h1")).isPresent();

        Actions late = coordinator.planReceived(plan(req.requestId(), req.incidentId(), List.of(assign("vm-a", "h1", "h2")),
                List.of()));
        assertThat(commands(late)).hasSize(1);
    }

    static EvacuationPlan.Assignment assignTier(String vmId, Tier tier, String from, String to) {
        return new EvacuationPlan.Assignment(Fixtures.spec(vmId, tier), from, to, 2);
    }

    @Test
    void aSilverVmWaitsUntilEveryGoldVmOfEveryIncidentHasStarted() {
        EvacuationRequest a = open("h1");
        List<HostCommand> first = commands(coordinator.planReceived(plan(a.requestId(), a.incidentId(),
                List.of(assignTier("vm-g1", Tier.GOLD, "h1", "h3"), assignTier("vm-s1", Tier.SILVER, "h1", "h3")),
                List.of())));
        assertThat(first).extracting(HostCommand::vmId).as("silver waits for the gold to start").containsExactly("vm-g1");

        EvacuationRequest b = open("h2");
        List<HostCommand> second = commands(coordinator.planReceived(plan(b.requestId(), b.incidentId(),
                List.of(assignTier("vm-g2", Tier.GOLD, "h2", "h4")), List.of())));
        assertThat(second).extracting(HostCommand::vmId).containsExactly("vm-g2");

        assertThat(commands(coordinator.commandResult(result(first.get(0), Outcome.SUCCEEDED))))
                .as("another incident's gold is still starting").isEmpty();
        assertThat(commands(coordinator.commandResult(result(second.get(0), Outcome.SUCCEEDED))))
                .extracting(HostCommand::vmId).containsExactly("vm-s1");
    }

    @Test
    void whileAnotherIncidentHasNoPlanYetOnlyGoldStartsUntilTheTierWaitIsOver() {
        EvacuationRequest a = open("h1");
        open("h2"); // fenced, its plan not here yet: its VMs may be gold
        List<HostCommand> first = commands(coordinator.planReceived(plan(a.requestId(), a.incidentId(),
                List.of(assignTier("vm-b1", Tier.BRONZE, "h1", "h3")), List.of())));
        assertThat(first).isEmpty();

        clock.advance(RecoveryPolicy.DEFAULT_TIER_WAIT);
        assertThat(commands(coordinator.tick(clock.instant()))).extracting(HostCommand::vmId)
                .as("waited long enough").containsExactly("vm-b1");
    }

    @Test
    void aHostInDoubtWithGoldVmsHoldsNonGoldStartsBack() {
        java.util.concurrent.atomic.AtomicBoolean doubt = new java.util.concurrent.atomic.AtomicBoolean(true);
        coordinator.watchHostsInDoubt(since -> doubt.get() ? Tier.GOLD.ordinal() : Integer.MAX_VALUE);
        EvacuationRequest a = open("h1");
        List<HostCommand> first = commands(coordinator.planReceived(plan(a.requestId(), a.incidentId(),
                List.of(assignTier("vm-g", Tier.GOLD, "h1", "h3"), assignTier("vm-s", Tier.SILVER, "h1", "h3")),
                List.of())));
        assertThat(first).extracting(HostCommand::vmId).containsExactly("vm-g");
        assertThat(commands(coordinator.commandResult(result(first.get(0), Outcome.SUCCEEDED)))).isEmpty();

        doubt.set(false); // heard again, or DOWN with an incident of its own
        clock.advanceMillis(50);
        assertThat(commands(coordinator.tick(clock.instant()))).extracting(HostCommand::vmId).containsExactly("vm-s");
    }

    @Test
    void withoutATierWaitTheBestReadyTierGoesFirstWithoutWaitingForStarts() {
        coordinator = new RecoveryCoordinator(clock, new RecoveryPolicy(8, 4, Duration.ofSeconds(60), "failover-service",
                Duration.ofSeconds(10), 3, 3, Duration.ofSeconds(90), Duration.ZERO), Fixtures.sequentialIds());
        EvacuationRequest a = open("h1");
        List<HostCommand> all = commands(coordinator.planReceived(plan(a.requestId(), a.incidentId(),
                List.of(assignTier("vm-g", Tier.GOLD, "h1", "h3"), assignTier("vm-s", Tier.SILVER, "h1", "h3")),
                List.of())));
        assertThat(all).extracting(HostCommand::vmId).containsExactly("vm-g", "vm-s");
    }

    @Test
    void aFailedStartOfAVmANewerIncidentPlacedSinceIsNotRePlacedHere() {
        java.util.Map<String, Long> generations = new java.util.HashMap<>();
        coordinator.watchPlacements(vm -> generations.getOrDefault(vm, 0L));
        EvacuationRequest a = open("h1");
        HostCommand start = commands(coordinator.planReceived(plan(a.requestId(), a.incidentId(),
                List.of(assignWith("vm-a", "h1", "h2", 2)), List.of()))).get(0);
        generations.put("vm-a", 3L); // h2 failed before the start reached it; its incident moved vm-a to h3

        Actions rejected = coordinator.commandResult(result(start, Outcome.REJECTED));

        assertThat(Fixtures.events(rejected, EvacuationRequest.class)).as("no second placement").isEmpty();
        assertThat(lastRecord(rejected).vms()).singleElement().satisfies(vm -> {
            assertThat(vm.status()).isEqualTo(VmStatus.STARTED);
            assertThat(vm.detail()).startsWith("superseded by placement generation 3");
        });
        assertThat(Fixtures.events(rejected, io.kvmha.contracts.event.Alert.class)).isEmpty();
    }

    @Test
    void aGoldStartThatHangsLongerThanTheTierWaitStopsHoldingSilverBack() {
        EvacuationRequest a = open("h1");
        List<HostCommand> first = commands(coordinator.planReceived(plan(a.requestId(), a.incidentId(),
                List.of(assignTier("vm-g", Tier.GOLD, "h1", "h3"), assignTier("vm-s", Tier.SILVER, "h1", "h3")),
                List.of())));
        assertThat(first).extracting(HostCommand::vmId).containsExactly("vm-g");
        clock.advance(RecoveryPolicy.DEFAULT_TIER_WAIT.minusMillis(100));
        assertThat(commands(coordinator.tick(clock.instant()))).as("a queue or a slow start is waited for").isEmpty();
        clock.advanceMillis(200);
        assertThat(commands(coordinator.tick(clock.instant()))).extracting(HostCommand::vmId).containsExactly("vm-s");
    }
}
