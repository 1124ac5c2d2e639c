package io.kvmha.failover.core;

import static io.kvmha.failover.core.Fixtures.T0;
import static io.kvmha.failover.core.Fixtures.events;
import static io.kvmha.failover.core.Fixtures.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine end to end on a virtual clock: heartbeats, ticks and fencing outcomes in, events and notes out. */
class FailoverEngineTest {

    /** The guard's defaults without its hold and quiet period, so these tests' timings are the detector's alone. */
    static final MassFailurePolicy NO_HOLD = new MassFailurePolicy(0.3, 2, Duration.ofSeconds(60), Duration.ZERO,
            MassFailurePolicy.DEFAULT_LATE_AFTER, Duration.ZERO);

    final VirtualClock clock = new VirtualClock(T0);
    final FencingPolicy fencing = new FencingPolicy(Duration.ofSeconds(10), Duration.ofSeconds(2));
    FailoverEngine engine = engine(new HeartbeatFailureDetector(DetectionThresholds.DEFAULT), NO_HOLD);
    List<String> hosts = new ArrayList<>(List.of("h1", "h2"));
    long seq;
    Actions all = Actions.NONE;

    FailoverEngine engine(FailureDetector detector, MassFailurePolicy massFailure) {
        return new FailoverEngine(clock, DetectionThresholds.DEFAULT, detector, RecoveryPolicy.DEFAULT, fencing,
                massFailure, Fixtures.sequentialIds());
    }

    /** The production detector: phi accrual, whose SUSPECT (about 1.3 s) comes only about 0.25 s before DEAD. */
    static FailureDetector phi() {
        return new PhiAccrualFailureDetector(PhiThresholds.DEFAULT, DetectionThresholds.DEFAULT);
    }

    /** The hosts heartbeat every 500 ms for {@code millis}, except those named silent. */
    static List<String> numberedHosts(int count) {
        List<String> named = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            named.add("h" + i);
        }
        return named;
    }

    /** How long before its receipt (the virtual clock) each heartbeat was sent: a slow pipeline. */
    long pipelineLateMillis;

    void run(long millis, String... silent) {
        for (long t = 0; t < millis; t += 100) {
            clock.advanceMillis(100);
            if (clock.instant().toEpochMilli() % 500 == 0) {
                seq++;
                for (String host : hosts) {
                    if (!List.of(silent).contains(host)) {
                        all = all.then(engine.onHeartbeat(heartbeat(host, seq, clock.instant().minusMillis(pipelineLateMillis))));
                    }
                }
            }
            all = all.then(engine.tick());
        }
    }

    List<HostState> states(String host) {
        return events(all, HostHealthChange.class).stream().filter(c -> c.hostId().equals(host))
                .map(HostHealthChange::current).toList();
    }

    FenceRequest fenceRequest() {
        assertThat(all.fences()).hasSize(1);
        return all.fences().get(0);
    }

    FenceOutcome outcome(FenceOutcome.Result result, String detail) {
        FenceRequest request = fenceRequest();
        return new FenceOutcome(request.hostId(), request.incidentId(), result, "redfish", List.of(detail));
    }

    @Test
    void aSilentHostIsDeclaredDownFencedThroughTheBmcAndOnlyThenEvacuated() {
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 1));
        engine.onPlacement("vm-b", Fixtures.placement("vm-b", "h2", 1));
        run(1000);
        Duration lastH1 = Duration.between(T0, clock.instant());
        run(3000, "h1");

        HostHealthChange down = events(all, HostHealthChange.class).stream()
                .filter(c -> c.current() == HostState.DOWN).findFirst().orElseThrow();
        assertThat(down.previous()).isEqualTo(HostState.SUSPECT);
        assertThat(down.evidence()).singleElement().asString().startsWith("no heartbeat for 2.1 s (last seq 2 at");
        assertThat(down.changedAt()).isEqualTo(T0.plus(lastH1).plusMillis(2100));
        assertThat(states("h1")).containsExactly(HostState.SUSPECT, HostState.DOWN, HostState.FENCING);
        HostHealthChange fencingChange = events(all, HostHealthChange.class).get(2);
        assertThat(fencingChange.evidence()).anySatisfy(e -> assertThat(e).contains("libvirt CONNECTED, self-fenced false"));
        assertThat(events(all, EvacuationRequest.class)).as("nothing moves before the host is fenced").isEmpty();
        assertThat(fenceRequest().incidentId()).isEqualTo(down.incidentId());
        assertThat(all.durations()).containsEntry(RecoveryPhase.DETECT, Duration.ofMillis(2100));

        clock.advanceMillis(40);
        Actions fenced = engine.onFenceOutcome(outcome(FenceOutcome.Result.POWERED_OFF,
                "redfish attempt 1: OFF ForceOff accepted (HTTP 204), PowerState Off"));

        assertThat(Fixtures.healthChange(fenced).current()).isEqualTo(HostState.FENCED);
        assertThat(events(fenced, EvacuationRequest.class)).singleElement().satisfies(r -> {
            assertThat(r.incidentId()).isEqualTo(down.incidentId());
            assertThat(r.failedHostIds()).containsExactly("h1");
        });
        RecoveryRecord record = Fixtures.lastRecord(fenced);
        assertThat(record.fencing()).startsWith("redfish: chassis power confirmed off");
        assertThat(record.timeline()).extracting(RecoveryRecord.TimelineEntry::phase)
                .containsExactly("detected", "fencing-started", "fence-attempts", "fenced", "evacuation-requested");
        assertThat(record.vms()).extracting(RecoveryRecord.VmRecovery::vmId).containsExactly("vm-a");
        assertThat(fenced.durations()).containsEntry(RecoveryPhase.FENCE, Duration.between(down.changedAt(), clock.instant()));
        assertThat(engine.hostsByState()).containsEntry(HostState.FENCED, 1).containsEntry(HostState.ONLINE, 1);
        assertThat(engine.history("h1")).extracting(HealthTransition::to)
                .containsExactly(HostState.SUSPECT, HostState.DOWN, HostState.FENCING, HostState.FENCED);
    }

    @Test
    void aBmcThatRefusesMeansNoRestartAndACriticalAlert() {
        run(1000);
        run(3000, "h1");
        Actions refused = engine.onFenceOutcome(outcome(FenceOutcome.Result.REFUSED,
                "redfish attempt 1: REFUSED ForceOff refused with HTTP 500"));

        assertThat(events(refused, EvacuationRequest.class)).isEmpty();
        assertThat(Fixtures.healthChange(refused).current()).isEqualTo(HostState.DOWN);
        assertThat(Fixtures.lastRecord(refused).status()).isEqualTo(RecoveryRecord.Status.FAILED);
        assertThat(Fixtures.lastRecord(refused).fencing()).startsWith("FAILED: redfish REFUSED");
        assertThat(events(refused, Alert.class)).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("KvmHostFencingFailed");
            assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
            assertThat(a.labels()).containsEntry("host", "h1");
            assertThat(a.annotations().get("description")).contains("HTTP 500", "nothing restarts");
        });
        // Later ticks change nothing: still no evacuation.
        all = Actions.NONE;
        run(5000, "h1");
        assertThat(events(all, EvacuationRequest.class)).isEmpty();
    }

    @Test
    void withoutBmcConfirmationRecoveryWaitsForTheSelfFenceDeadline() {
        run(1000);
        java.time.Instant lastHeartbeat = clock.instant();
        run(3000, "h1");
        Actions waiting = engine.onFenceOutcome(new FenceOutcome("h1", fenceRequest().incidentId(),
                FenceOutcome.Result.NO_CONFIRMATION, "redfish", List.of("redfish attempt 1: UNREACHABLE timeout")));
        assertThat(Fixtures.lastRecord(waiting).timeline()).last().extracting(RecoveryRecord.TimelineEntry::phase)
                .isEqualTo("self-fence-wait");
        all = Actions.NONE;

        run(8800, "h1"); // 11.8 s after the last heartbeat: 10 s + 2 s margin not yet passed.
        assertThat(events(all, EvacuationRequest.class)).isEmpty();
        run(300, "h1");
        assertThat(events(all, EvacuationRequest.class)).hasSize(1);
        HostHealthChange fenced = events(all, HostHealthChange.class).get(0);
        assertThat(fenced.current()).isEqualTo(HostState.FENCED);
        assertThat(fenced.changedAt()).isEqualTo(lastHeartbeat.plusSeconds(12).plusMillis(100).minusMillis(100));
        assertThat(fenced.evidence().get(0)).startsWith("self-fence deadline passed");
    }

    @Test
    void aHostThatHeartbeatsBeforeTheSelfFenceDeadlineIsAliveAndTheIncidentAborted() {
        run(1000);
        run(3000, "h1");
        engine.onFenceOutcome(new FenceOutcome("h1", fenceRequest().incidentId(), FenceOutcome.Result.NO_CONFIRMATION,
                "none", List.of("no BMC configured for h1")));
        clock.advanceMillis(10);
        Actions back = engine.onHeartbeat(heartbeat("h1", 77, clock.instant()));

        HostHealthChange online = Fixtures.healthChange(back);
        assertThat(online.previous()).isEqualTo(HostState.FENCING);
        assertThat(online.current()).isEqualTo(HostState.ONLINE);
        assertThat(online.evidence()).singleElement().asString().startsWith("heartbeat seq 77 received");
        assertThat(Fixtures.lastRecord(back).status()).isEqualTo(RecoveryRecord.Status.ABORTED);
        assertThat(back.closed()).containsExactly(RecoveryRecord.Status.ABORTED);
    }

    @Test
    void haVmsThatDiedWithAnAbortedIncidentsHostAreStartedThereAgainOnceTheAgentListedEverything() {
        engine.onSpec("vm-a", Fixtures.spec("vm-a", io.kvmha.contracts.event.Tier.GOLD));
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 2));
        engine.onSpec("vm-b", Fixtures.spec("vm-b", io.kvmha.contracts.event.Tier.SILVER));
        engine.onPlacement("vm-b", Fixtures.placement("vm-b", "h1", 1));
        run(1000);
        run(3000, "h1"); // power lost; no BMC: waiting for the self-fence deadline
        engine.onFenceOutcome(new FenceOutcome("h1", fenceRequest().incidentId(), FenceOutcome.Result.NO_CONFIRMATION,
                "none", List.of("no BMC configured for h1")));
        clock.advanceMillis(10);
        Actions back = engine.onHeartbeat(listing("h1", 80, clock.instant(), false)); // rebooted, still listing
        assertThat(back.closed()).containsExactly(RecoveryRecord.Status.ABORTED);
        clock.advanceMillis(500);
        assertThat(events(engine.onHeartbeat(listing("h1", 81, clock.instant(), false)), HostCommand.class))
                .as("not everything listed yet").isEmpty();

        clock.advanceMillis(500);
        Actions listed = engine.onHeartbeat(listing("h1", 82, clock.instant(), true,
                new HostHeartbeat.DomainStatus("vm-a", "a", DomainState.SHUTOFF)));
        assertThat(events(listed, HostCommand.class)).as("vm-b is not listed: a stopped definition is needed")
                .extracting(HostCommand::vmId, HostCommand::action, HostCommand::hostId, HostCommand::placementGeneration)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("vm-a", HostCommand.Action.START, "h1", 2L));
        clock.advanceMillis(500);
        assertThat(events(engine.onHeartbeat(listing("h1", 83, clock.instant(), true,
                new HostHeartbeat.DomainStatus("vm-a", "a", DomainState.SHUTOFF))), HostCommand.class))
                .as("once per retry period").isEmpty();
        clock.advanceMillis(500);
        assertThat(events(engine.onHeartbeat(listing("h1", 84, clock.instant(), true,
                new HostHeartbeat.DomainStatus("vm-a", "a", DomainState.RUNNING))), HostCommand.class)).isEmpty();
    }

    @Test
    void aVmPlacedOnTheHostAfterItsReturnIsNoCasualtyEvenIfNotRunningYet() {
        engine.onSpec("vm-m", Fixtures.spec("vm-m", io.kvmha.contracts.event.Tier.GOLD));
        engine.onPlacement("vm-m", Fixtures.placement("vm-m", "h2", 1));
        run(1000);
        run(1300, "h1"); // SUSPECT, then back: a return
        engine.onPlacement("vm-m", Fixtures.placement("vm-m", "h1", 2)); // a migration to h1 begins
        clock.advanceMillis(100);
        assertThat(events(engine.onHeartbeat(listing("h1", 95, clock.instant(), true,
                new HostHeartbeat.DomainStatus("vm-m", "m", DomainState.SHUTOFF))), HostCommand.class)).isEmpty();
    }

    @Test
    void aHostKnownFromItsInventoryButNeverHeardByThisInstanceIsJudgedFromWhenItBeganHearing() {
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        engine.onInventory("h1", true);
        engine.onInventory("h2", true);
        engine.onInventory("h3", true);
        engine.onInventory("h4", true); // dead since before this instance started
        run(1000);
        assertThat(engine.hosts().get("h4").state()).isEqualTo(HostState.ONLINE);
        run(3000);
        assertThat(states("h4")).contains(HostState.DOWN);
        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h4");
    }

    @Test
    void aHostFencedEarlierDoesNotMakeTheNextFailureAMassFailure() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        run(5000);
        run(3000, "h3");
        engine.onFenceOutcome(outcome(FenceOutcome.Result.POWERED_OFF, "off"));
        assertThat(engine.hosts().get("h3").state()).isEqualTo(HostState.FENCED);
        all = Actions.NONE;
        run(3000, "h3", "h2"); // a second, separate failure while h3 is still off
        assertThat(engine.guardStatus().engaged()).isFalse();
        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h2");
    }

    @Test
    void aHostThatWasOnlySlowHasNothingRestarted() {
        engine.onSpec("vm-a", Fixtures.spec("vm-a", io.kvmha.contracts.event.Tier.GOLD));
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 2));
        run(1000);
        run(1200, "h1"); // SUSPECT, then heard again
        clock.advanceMillis(100);
        assertThat(events(engine.onHeartbeat(listing("h1", 90, clock.instant(), true,
                new HostHeartbeat.DomainStatus("vm-a", "a", DomainState.RUNNING))), HostCommand.class)).isEmpty();
    }

    @Test
    void anAgentThatReportsItSelfFencedCountsAsFenced() {
        run(1000);
        run(3000, "h1");
        clock.advanceMillis(10);
        Actions selfFenced = engine.onHeartbeat(new HostHeartbeat("h1", 99, clock.instant(), 1, "t",
                HostHeartbeat.LibvirtConnectivity.CONNECTED, List.of(), true, false));
        assertThat(Fixtures.healthChange(selfFenced).current()).isEqualTo(HostState.FENCED);
        assertThat(Fixtures.healthChange(selfFenced).evidence().get(0)).contains("agent reports self-fenced");
        assertThat(events(selfFenced, EvacuationRequest.class)).hasSize(1);
    }

    @Test
    void aSelfFenceClaimBesideARunningHaVmIsStaleAndTheBmcMustFence() {
        engine.onSpec("vm-a", Fixtures.spec("vm-a", io.kvmha.contracts.event.Tier.GOLD));
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 1));
        run(1000);
        clock.advanceMillis(100);
        // Back from a cut-off: the flag is still up, but its HA VM was started again since.
        engine.onHeartbeat(new HostHeartbeat("h1", 500, clock.instant(), 1, "t", HostHeartbeat.LibvirtConnectivity.CONNECTED,
                List.of(new HostHeartbeat.DomainStatus("vm-a", "a", DomainState.RUNNING)), true, false));
        all = Actions.NONE;
        run(3000, "h1");
        assertThat(states("h1")).contains(HostState.FENCING).doesNotContain(HostState.FENCED);
        assertThat(fenceRequest().hostId()).as("fenced through its BMC, not on the agent's word").isEqualTo("h1");
    }

    @Test
    void aFencingOutcomeForAnIncidentThatMovedOnChangesNothing() {
        run(1000);
        run(3000, "h1");
        FenceOutcome late = new FenceOutcome("h1", "another-incident", FenceOutcome.Result.POWERED_OFF, "redfish", List.of());
        assertThat(engine.onFenceOutcome(late).events()).isEmpty();
    }

    @Test
    void staleHeartbeatsDoNotReviveAFailedHost() {
        run(1000);
        run(3000, "h1");
        Actions stale = engine.onHeartbeat(heartbeat("h1", 3, clock.instant().minusSeconds(3)));
        assertThat(stale.events()).isEmpty();
        assertThat(engine.hosts().get("h1").state()).isEqualTo(HostState.FENCING);
    }

    @Test
    void aKnownHostIsNotJudgedBeforeThisInstanceHearsAnyHeartbeat() {
        engine.onInventory("h3", true);
        hosts = new ArrayList<>();
        run(5000); // nothing heard at all: no basis to judge anyone
        assertThat(events(all, HostHealthChange.class)).isEmpty();
        assertThat(engine.hostsNotYetHeard()).isEqualTo(1);
    }

    @Test
    void whenAllHostsFallSilentTogetherNothingIsFencedAndACriticalAlertFiresOnce() {
        run(1000);
        run(10_000, "h1", "h2");
        assertThat(events(all, HostHealthChange.class)).extracting(HostHealthChange::current).containsOnly(HostState.SUSPECT);
        assertThat(engine.incidents()).isEmpty();
        assertThat(all.fences()).isEmpty();
        assertThat(all.notes()).filteredOn(n -> n.message().contains("mass-failure guard engaged")).hasSize(1);
        assertThat(events(all, Alert.class)).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("KvmHaMassFailureGuard");
            assertThat(a.status()).isEqualTo(Alert.Status.FIRING);
        });
    }

    @Test
    void massFailureHoldsEveryHostUntilAnOperatorReleasesThemOneByOne() {
        hosts = new ArrayList<>(List.of("h1", "h2", "h3", "h4", "h5"));
        run(1000);
        run(4000, "h1", "h2"); // 2 of 5 = 40% > 30%
        assertThat(all.fences()).isEmpty();
        assertThat(engine.guardStatus().engaged()).isTrue();
        assertThat(engine.guardStatus().silentHosts()).containsExactly("h1", "h2");

        engine.releaseFromGuard("h1", "alice");
        all = Actions.NONE;
        run(300, "h1", "h2");
        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h1");
        assertThat(engine.hosts().get("h2").state()).isEqualTo(HostState.SUSPECT);

        all = Actions.NONE;
        run(1000, "h1"); // h2 heard again: the guard disengages, the alert resolves.
        assertThat(engine.guardStatus().engaged()).isFalse();
        assertThat(events(all, Alert.class)).singleElement().extracting(Alert::status).isEqualTo(Alert.Status.RESOLVED);
    }

    @Test
    void hostsFailingTogetherAreJudgedTogetherAndNothingIsFenced() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        run(5000);
        run(500, "h1"); // failing at one instant, their last heartbeats can be one 500 ms interval apart
        run(10_000, "h1", "h2");

        assertThat(all.fences()).isEmpty();
        assertThat(engine.incidents()).isEmpty();
        assertThat(states("h1")).doesNotContain(HostState.DOWN).contains(HostState.SUSPECT);
        assertThat(engine.guardStatus().silentHosts()).containsExactly("h1", "h2");
        assertThat(events(all, Alert.class)).singleElement().extracting(Alert::name).isEqualTo("KvmHaMassFailureGuard");
    }

    @Test
    void withoutTheHoldTheFirstOfTwoHostsDyingApartIsFencedBeforeTheSecondIsSuspect() {
        engine = engine(phi(), NO_HOLD);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        run(5000);
        run(500, "h1");
        run(10_000, "h1", "h2");

        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h1"); // what the hold prevents
    }

    @Test
    void theHoldDelaysASingleFailureByItsLengthOnly() {
        engine = engine(new HeartbeatFailureDetector(DetectionThresholds.DEFAULT), MassFailurePolicy.DEFAULT);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        run(1000);
        run(4000, "h1");
        HostHealthChange down = events(all, HostHealthChange.class).stream()
                .filter(c -> c.current() == HostState.DOWN).findFirst().orElseThrow();
        assertThat(down.changedAt()).isEqualTo(T0.plusMillis(1000 + 2100 + 100));
        assertThat(down.evidence()).last().asString().isEqualTo("held 100 ms by the mass-failure guard: no mass failure");
    }

    @Test
    void aHeldHostWaitsWhileLateHostsWouldMakeItAMassFailureThenIsDeclaredDownWhenTheyAreHeard() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        run(5000);
        run(500, "h1");
        clock.advanceMillis(300); // h2's last heartbeat comes 800 ms after h1's
        all = all.then(engine.onHeartbeat(heartbeat("h2", ++seq, clock.instant())));
        run(900, "h1", "h2"); // h1 judged dead at 6.5 s; h2 late (silent 700 ms or more, not yet suspect)
        assertThat(states("h1")).doesNotContain(HostState.DOWN); // held beyond its 100 ms hold
        clock.advanceMillis(100);
        all = all.then(engine.onHeartbeat(heartbeat("h2", ++seq, clock.instant()))); // h2 heard: no mass failure
        all = all.then(engine.tick());
        assertThat(states("h1")).contains(HostState.DOWN);
        run(3000, "h1");
        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h1");
        assertThat(engine.guardStatus().engaged()).isFalse();
    }

    @Test
    void aPartitionLongerThanTheWindowKeepsTheGuardEngaged() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3", "h4", "h5"));
        run(5000);
        run(90_000, "h1", "h2"); // 40 % silent for longer than the 60 s window
        assertThat(engine.guardStatus().engaged()).isTrue();
        assertThat(all.fences()).isEmpty();
        assertThat(engine.incidents()).isEmpty();
    }

    @Test
    void aHealingPartitionDoesNotGetItsLastHostFencedWithinTheQuietPeriod() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10"));
        run(5000);
        run(8000, "h1", "h2", "h3", "h4"); // 40 %: engaged
        assertThat(engine.guardStatus().engaged()).isTrue();
        run(5000, "h4"); // three heard again, h4 comes back later: 10 % is no mass failure, but the quiet period runs
        assertThat(engine.guardStatus().engaged()).isTrue();
        assertThat(all.fences()).isEmpty();
        assertThat(events(all, Alert.class)).extracting(Alert::status).containsExactly(Alert.Status.FIRING);

        run(3000); // h4 heard too: every host of the episode is back, the guard ends at once; nothing was fenced
        assertThat(engine.guardStatus().engaged()).isFalse();
        assertThat(events(all, Alert.class)).extracting(Alert::status)
                .containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(all.fences()).isEmpty();
    }

    @Test
    void whenEveryHostOfTheEpisodeIsHeardAgainTheGuardEndsAtOnceAndANewFailureIsJudgedAlone() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        run(5000);
        run(6000, "h1", "h2", "h3"); // all silent at once, longer than a stall of this instance is believed
        assertThat(engine.guardStatus().engaged()).isTrue();
        run(1000); // all heard again
        assertThat(engine.guardStatus().engaged()).isFalse();
        all = Actions.NONE;
        run(2500, "h1"); // a real power loss right after: not held by a guard that is over
        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h1");
    }

    @Test
    void aStallOfTheWholeHeartbeatStreamIsNobodysSilence() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = numberedHosts(20);
        run(5000);
        run(2000, hosts.toArray(String[]::new)); // this instance (or its consumer, or the broker) stalled for 2 s
        run(1000);

        assertThat(hosts).allSatisfy(h -> assertThat(states(h)).isEmpty());
        assertThat(engine.guardStatus().engaged()).isFalse();
        assertThat(all.notes()).anySatisfy(n -> assertThat(n.message()).contains("heard no heartbeat from any of 20 hosts",
                "not counted as any host's silence"));
        all = Actions.NONE;
        run(2500, "h1"); // a real power loss afterwards is judged as usual
        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h1");
    }

    @Test
    void twoOfThreeHostsFailingAtOnceAreNotDiscountedTwice() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        run(5000);
        // Most of the cluster quiet at once: h3's next quiet discounts 350 ms once; the next one must not discount the
        // same dead hosts again (they turned late before it), so they are SUSPECT and the guard engaged by 1.5 s.
        run(1500, "h1", "h2");
        assertThat(engine.guardStatus().engaged()).isTrue();
        run(1000, "h1", "h2");
        assertThat(all.fences()).isEmpty();
    }

    @Test
    void heartbeatsArrivingLateThroughASlowPipelineAreNotTheHostsSilence() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = numberedHosts(10);
        run(5000);
        pipelineLateMillis = 600; // from here every heartbeat reaches the detector 600 ms after it was sent
        run(3000);
        run(1500, "h1"); // and h1's next ones come 2 s after its last: held up further, sent all along
        run(2000);

        assertThat(states("h1")).doesNotContain(HostState.DOWN);
        assertThat(all.fences()).isEmpty();
        assertThat(events(all, HostHealthChange.class)).filteredOn(c -> c.current() == HostState.SUSPECT)
                .allSatisfy(c -> assertThat(c.evidence()).anySatisfy(e -> assertThat(e).containsPattern("arrive 5[89][0-9] ms late")));
    }

    @Test
    void heartbeatsArrivingInStepDoNotLookLikeAStall() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = numberedHosts(20);
        run(5000); // every host beats at the same instants: the stream is quiet 500 ms at a time
        run(3000, "h1");
        HostHealthChange down = events(all, HostHealthChange.class).stream()
                .filter(c -> c.current() == HostState.DOWN).findFirst().orElseThrow();
        // Judged dead 1.5 s after its last heartbeat (first tick past phi 8), held 100 ms: no deafness discounted.
        assertThat(down.changedAt()).isEqualTo(T0.plusMillis(5000 + 1500 + 100));
    }

    @Test
    void aHostStillSilentAfterTheQuietPeriodIsDeclaredDownAndFenced() {
        engine = engine(phi(), MassFailurePolicy.DEFAULT);
        hosts = new ArrayList<>(List.of("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10"));
        run(5000);
        run(8000, "h1", "h2", "h3", "h4");
        run(9000, "h4");
        assertThat(all.fences()).as("within the quiet period").isEmpty();
        run(2000, "h4");
        assertThat(engine.guardStatus().engaged()).isFalse();
        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h4");
    }

    @Test
    void aSingleDeadHostInASmallClusterIsNeverHeldByTheGuard() {
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        run(1000);
        run(3000, "h1");
        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h1");
        assertThat(engine.guardStatus().engaged()).isFalse();
    }

    @Test
    void maintenancePausesFencingAndReArmsWhenItEnds() {
        run(1000);
        Actions on = engine.maintenance("h1", true, "firmware update");
        assertThat(Fixtures.healthChange(on).current()).isEqualTo(HostState.MAINTENANCE);
        run(20_000, "h1");
        assertThat(all.fences()).isEmpty();
        assertThat(engine.hosts().get("h1").state()).isEqualTo(HostState.MAINTENANCE);

        all = Actions.NONE;
        Actions off = engine.maintenance("h1", false, null);
        assertThat(Fixtures.healthChange(off).current()).isEqualTo(HostState.ONLINE);
        run(1500, "h1");
        assertThat(all.fences()).as("silence counts from the end of maintenance").isEmpty();
        run(1000, "h1");
        assertThat(all.fences()).extracting(FenceRequest::hostId).containsExactly("h1");
    }

    @Test
    void maintenanceIsRefusedForAHostInAnIncident() {
        run(1000);
        run(3000, "h1");
        assertThatThrownBy(() -> engine.maintenance("h1", true, "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FENCING");
        assertThatThrownBy(() -> engine.maintenance("h7", true, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFencedHostThatComesBackHasItsStaleVmsRemovedBeforeItIsOnline() {
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 1));
        engine.onPlacement("vm-keep", Fixtures.placement("vm-keep", "h1", 1));
        run(1000);
        run(3000, "h1");
        engine.onFenceOutcome(outcome(FenceOutcome.Result.POWERED_OFF, "off"));
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h2", 2)); // The scheduler moved it.

        clock.advanceMillis(100);
        Actions back = engine.onHeartbeat(new HostHeartbeat("h1", 1, clock.instant(), 1, "t",
                HostHeartbeat.LibvirtConnectivity.CONNECTED, List.of(
                        new HostHeartbeat.DomainStatus("vm-a", "a", DomainState.RUNNING),
                        new HostHeartbeat.DomainStatus("vm-keep", "k", DomainState.SHUTOFF)), false, false));
        assertThat(events(back, HostHealthChange.class)).extracting(HostHealthChange::current)
                .containsExactly(HostState.RECOVERING);
        assertThat(events(back, HostCommand.class)).extracting(HostCommand::vmId, HostCommand::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("vm-a", HostCommand.Action.DESTROY),
                org.assertj.core.groups.Tuple.tuple("vm-a", HostCommand.Action.UNDEFINE));
        assertThat(events(back, HostCommand.class)).allSatisfy(c -> assertThat(c.hostId()).isEqualTo("h1"));

        clock.advanceMillis(500);
        Actions again = engine.onHeartbeat(new HostHeartbeat("h1", 2, clock.instant(), 1, "t",
                HostHeartbeat.LibvirtConnectivity.CONNECTED, List.of(
                        new HostHeartbeat.DomainStatus("vm-a", "a", DomainState.SHUTOFF)), false, false));
        assertThat(again.events()).as("commands not repeated within the retry interval").isEmpty();

        clock.advanceMillis(500);
        Actions early = engine.onHeartbeat(new HostHeartbeat("h1", 3, clock.instant(), 1, "t",
                HostHeartbeat.LibvirtConnectivity.CONNECTED, List.of(
                        new HostHeartbeat.DomainStatus("vm-keep", "k", DomainState.SHUTOFF)), false, false));
        assertThat(early.events()).as("clean, but still settling: the agent may not have listed every domain yet")
                .isEmpty();

        clock.advance(FailoverEngine.REJOIN_SETTLE);
        Actions clean = engine.onHeartbeat(new HostHeartbeat("h1", 4, clock.instant(), 1, "t",
                HostHeartbeat.LibvirtConnectivity.CONNECTED, List.of(
                        new HostHeartbeat.DomainStatus("vm-keep", "k", DomainState.SHUTOFF)), false, false));
        assertThat(Fixtures.healthChange(clean).current()).isEqualTo(HostState.ONLINE);
        assertThat(Set.copyOf(engine.history("h1").stream().map(HealthTransition::to).toList()))
                .contains(HostState.FENCED, HostState.RECOVERING, HostState.ONLINE);
    }

    @Test
    void anOperatorFencesAHostThatLooksAliveOnlyWithForceAndItsVmsAreRecoveredAsAnIncident() {
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 1));
        run(1000);
        assertThatThrownBy(() -> engine.fence("h9", true, "typo", "alice")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.fence("h1", false, "PSU smoke", "alice"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ONLINE").hasMessageContaining("force");
        assertThat(engine.incidents()).isEmpty();

        FailoverEngine.OperatorFence fence = engine.fence("h1", true, "PSU smoke", "alice");
        all = fence.actions();
        assertThat(states("h1")).containsExactly(HostState.DOWN, HostState.FENCING);
        assertThat(events(all, HostHealthChange.class).get(0).evidence()).singleElement().asString()
                .contains("alice").contains("force").contains("PSU smoke");
        assertThat(fenceRequest().hostId()).isEqualTo("h1");
        assertThat(all.durations()).as("no detection time for an operator's decision").isEmpty();
        IncidentSnapshot incident = engine.incident(fence.incidentId()).orElseThrow();
        assertThat(incident.timeline()).extracting(io.kvmha.contracts.event.RecoveryRecord.TimelineEntry::phase)
                .containsExactly("detected", "operator-fence", "fencing-started");
        assertThat(all.notes()).anyMatch(n -> n.message().contains("incident=" + fence.incidentId() + " operator fence"));
        assertThatThrownBy(() -> engine.fence("h1", true, "again", "bob")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FENCING");

        Actions fenced = engine.onFenceOutcome(outcome(FenceOutcome.Result.POWERED_OFF, "off"));
        assertThat(Fixtures.request(fenced).failedHostIds()).containsExactly("h1");
    }

    @Test
    void aHostWhoseFencingFailedCanBeFencedAgainByAnOperatorWithoutForce() {
        run(1000);
        run(3000, "h1");
        engine.onFenceOutcome(outcome(FenceOutcome.Result.REFUSED, "BMC says no"));
        assertThat(engine.hosts().get("h1").state()).isEqualTo(HostState.DOWN);

        all = Actions.NONE;
        FailoverEngine.OperatorFence fence = engine.fence("h1", false, "BMC fixed", null);
        assertThat(events(fence.actions(), HostHealthChange.class)).extracting(HostHealthChange::current)
                .containsExactly(HostState.FENCING);
        assertThat(fence.actions().fences()).singleElement().extracting(FenceRequest::incidentId).isEqualTo(fence.incidentId());
    }

    static HostHeartbeat listing(String host, long seq, java.time.Instant at, Boolean complete,
                                 HostHeartbeat.DomainStatus... domains) {
        return new HostHeartbeat(host, seq, at, 1, "t", HostHeartbeat.LibvirtConnectivity.CONNECTED, List.of(domains),
                false, false, complete);
    }

    @Test
    void aRejoiningAgentThatSaysItsListingIsCompleteIsOnlineOnItWithoutTheSettleTimer() {
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 1));
        run(1000);
        run(3000, "h1");
        engine.onFenceOutcome(outcome(FenceOutcome.Result.POWERED_OFF, "off"));
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h2", 2));

        clock.advanceMillis(100);
        Actions first = engine.onHeartbeat(listing("h1", 1, clock.instant(), false));
        assertThat(events(first, HostHealthChange.class)).extracting(HostHealthChange::current)
                .containsExactly(HostState.RECOVERING);
        clock.advance(FailoverEngine.REJOIN_SETTLE.multipliedBy(4));
        assertThat(engine.onHeartbeat(listing("h1", 2, clock.instant(), false)).events())
                .as("an empty list not yet complete proves nothing, however long it takes").isEmpty();

        clock.advanceMillis(500);
        Actions listed = engine.onHeartbeat(listing("h1", 3, clock.instant(), true,
                new HostHeartbeat.DomainStatus("vm-a", "a", DomainState.RUNNING)));
        assertThat(events(listed, HostCommand.class)).extracting(HostCommand::action)
                .containsExactly(HostCommand.Action.DESTROY, HostCommand.Action.UNDEFINE);

        clock.advanceMillis(500);
        Actions clean = engine.onHeartbeat(listing("h1", 4, clock.instant(), true));
        assertThat(Fixtures.healthChange(clean).current()).as("at once: no settle timer").isEqualTo(HostState.ONLINE);
        assertThat(Fixtures.healthChange(clean).evidence().get(0)).contains("complete domain listing");
    }

    static io.kvmha.contracts.event.VmLifecycleEvent stopped(String vm, String host,
                                                            io.kvmha.contracts.event.VmLifecycleEvent.Reason reason) {
        return new io.kvmha.contracts.event.VmLifecycleEvent(vm, host, vm, io.kvmha.contracts.event.VmLifecycleEvent.Kind.STOPPED,
                reason, false, null, T0);
    }

    @Test
    void aCrashedHaVmRestartsOnItsHostUpToTheLimitThenElsewhereThenAlerts() {
        hosts = new ArrayList<>(List.of("h1", "h2", "h3"));
        run(1000);
        engine.onSpec("vm-a", Fixtures.spec("vm-a", io.kvmha.contracts.event.Tier.GOLD));
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 3));
        var crashed = io.kvmha.contracts.event.VmLifecycleEvent.Reason.CRASHED;
        for (int i = 1; i <= 3; i++) {
            clock.advanceMillis(1000);
            Actions restart = engine.onVmEvent(stopped("vm-a", "h1", crashed));
            assertThat(events(restart, HostCommand.class)).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(HostCommand.Action.START);
                assertThat(c.hostId()).isEqualTo("h1");
                assertThat(c.placementGeneration()).isEqualTo(3);
            });
        }
        Actions fourth = engine.onVmEvent(stopped("vm-a", "h1", crashed));
        assertThat(events(fourth, HostCommand.class)).isEmpty();
        assertThat(events(fourth, Alert.class)).isEmpty();
        EvacuationRequest elsewhere = events(fourth, EvacuationRequest.class).get(0);
        assertThat(elsewhere.vmIds()).containsExactly("vm-a");
        assertThat(elsewhere.excludeHostIds()).containsExactly("h1");
        assertThat(engine.hosts().get("h1").state()).as("only the VM moves").isEqualTo(HostState.ONLINE);

        Actions planned = engine.onPlan(Fixtures.plan(elsewhere.requestId(), elsewhere.incidentId(),
                List.of(new io.kvmha.contracts.event.EvacuationPlan.Assignment(
                        Fixtures.spec("vm-a", io.kvmha.contracts.event.Tier.GOLD), "h1", "h2", 4)), List.of()));
        HostCommand start = events(planned, HostCommand.class).get(0);
        assertThat(start.action()).isEqualTo(HostCommand.Action.DEFINE_AND_START);
        assertThat(start.hostId()).isEqualTo("h2");
        Actions started = engine.onCommandResult(Fixtures.result(start, io.kvmha.contracts.event.CommandResult.Outcome.SUCCEEDED));
        assertThat(Fixtures.lastRecord(started).status()).isEqualTo(RecoveryRecord.Status.RECOVERED);
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h2", 4));

        for (int i = 1; i <= 3; i++) {
            clock.advanceMillis(1000);
            assertThat(events(engine.onVmEvent(stopped("vm-a", "h2", crashed)), HostCommand.class)).hasSize(1);
        }
        Actions again = engine.onVmEvent(stopped("vm-a", "h2", crashed));
        assertThat(events(again, EvacuationRequest.class)).as("moved once per window").isEmpty();
        assertThat(events(again, Alert.class)).singleElement().extracting(Alert::name).isEqualTo("KvmVmCrashLoop");
        assertThat(events(engine.onVmEvent(stopped("vm-a", "h2", crashed)), Alert.class)).as("alerted once").isEmpty();

        clock.advanceMillis(Duration.ofMinutes(11).toMillis());
        assertThat(events(engine.onVmEvent(stopped("vm-a", "h2", crashed)), HostCommand.class)).as("window slid").hasSize(1);
    }

    @Test
    void requestedStopsUnprotectedVmsAndCrashesElsewhereAreNotRestarted() {
        run(1000);
        engine.onSpec("vm-a", Fixtures.spec("vm-a", io.kvmha.contracts.event.Tier.GOLD));
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 1));
        engine.onSpec("vm-n", new io.kvmha.contracts.event.VmSpec("vm-n", "n", 1, 128, io.kvmha.contracts.event.Tier.BRONZE,
                io.kvmha.contracts.event.HaPolicy.NONE, 0, java.util.Map.of(), T0));
        engine.onPlacement("vm-n", Fixtures.placement("vm-n", "h1", 1));
        var reason = io.kvmha.contracts.event.VmLifecycleEvent.Reason.class;
        assertThat(engine.onVmEvent(stopped("vm-a", "h1", io.kvmha.contracts.event.VmLifecycleEvent.Reason.DESTROYED)).events()).isEmpty();
        assertThat(engine.onVmEvent(stopped("vm-a", "h1", io.kvmha.contracts.event.VmLifecycleEvent.Reason.SHUTDOWN)).events()).isEmpty();
        assertThat(engine.onVmEvent(stopped("vm-n", "h1", io.kvmha.contracts.event.VmLifecycleEvent.Reason.CRASHED)).events()).isEmpty();
        assertThat(engine.onVmEvent(stopped("vm-a", "h2", io.kvmha.contracts.event.VmLifecycleEvent.Reason.CRASHED)).events()).isEmpty();
        assertThat(reason).isNotNull();
    }

    @Test
    void aHostThatFlapsBetweenSuspectAndOnlineNeverOpensAnIncident() {
        run(1000);
        for (int i = 0; i < 5; i++) {
            run(1500, "h1");
            run(500);
        }
        assertThat(events(all, HostHealthChange.class)).extracting(HostHealthChange::current)
                .containsOnly(HostState.SUSPECT, HostState.ONLINE);
        assertThat(engine.incidents()).isEmpty();
    }
}
