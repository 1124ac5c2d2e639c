package io.kvmha.failover.core;

import io.kvmha.contracts.testing.VirtualClock;
import static io.kvmha.failover.core.Fixtures.T0;
import static io.kvmha.failover.core.Fixtures.events;
import static io.kvmha.failover.core.Fixtures.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.RecoveryRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine end to end on a virtual clock: heartbeats and ticks in, events and notes out. */
class FailoverEngineTest {

    final VirtualClock clock = new VirtualClock(T0);
    final FailoverEngine engine = new FailoverEngine(clock, DetectionThresholds.DEFAULT,
            new HeartbeatFailureDetector(DetectionThresholds.DEFAULT), RecoveryPolicy.DEFAULT, Fixtures.sequentialIds());
    long seq;
    Actions all = Actions.NONE;

    /** Both hosts heartbeat every 500 ms for {@code millis}, except those named silent. */
    void run(long millis, String... silent) {
        for (long t = 0; t < millis; t += 100) {
            clock.advanceMillis(100);
            if (clock.instant().toEpochMilli() % 500 == 0) {
                seq++;
                for (String host : new String[] {"h1", "h2"}) {
                    if (!List.of(silent).contains(host)) {
                        all = all.then(engine.onHeartbeat(heartbeat(host, seq, clock.instant())));
                    }
                }
            }
            all = all.then(engine.tick());
        }
    }

    @Test
    void aSilentHostIsDeclaredDownAfterTwoSecondsWithOneIncidentAndAnEvacuationRequest() {
        engine.onPlacement("vm-a", Fixtures.placement("vm-a", "h1", 1));
        engine.onPlacement("vm-b", Fixtures.placement("vm-b", "h2", 1));
        run(1000);
        Duration lastH1 = Duration.between(T0, clock.instant());
        run(5000, "h1");

        HostHealthChange down = events(all, HostHealthChange.class).stream()
                .filter(c -> c.current() == HostState.DOWN).findFirst().orElseThrow();
        assertThat(down.hostId()).isEqualTo("h1");
        assertThat(down.previous()).isEqualTo(HostState.SUSPECT);
        assertThat(down.evidence()).singleElement().asString().startsWith("no heartbeat for 2.1 s (last seq 2 at");
        // Detection happens on the first tick past down-after: last heartbeat at 1.0 s, DOWN at 3.1 s.
        assertThat(down.changedAt()).isEqualTo(T0.plus(lastH1).plusMillis(2100));

        assertThat(events(all, EvacuationRequest.class)).singleElement().satisfies(r -> {
            assertThat(r.incidentId()).isEqualTo(down.incidentId());
            assertThat(r.failedHostIds()).containsExactly("h1");
        });
        RecoveryRecord record = events(all, RecoveryRecord.class).get(0);
        assertThat(record.status()).isEqualTo(RecoveryRecord.Status.OPEN);
        assertThat(record.fencing()).isEqualTo("UNSAFE: no fencing configured");
        assertThat(record.timeline()).extracting(RecoveryRecord.TimelineEntry::phase)
                .containsExactly("detected", "unsafe-no-fencing", "evacuation-requested");
        assertThat(record.vms()).extracting(RecoveryRecord.VmRecovery::vmId).containsExactly("vm-a");
        assertThat(all.notes()).anySatisfy(n -> {
            assertThat(n.level()).isEqualTo(OperatorNote.Level.WARN);
            assertThat(n.message()).isEqualTo("UNSAFE: no fencing configured: recovering host=h1 incident="
                    + down.incidentId() + " without fencing");
        });
        assertThat(all.durations()).containsEntry(RecoveryPhase.DETECT, Duration.ofMillis(2100));
        assertThat(engine.incidents()).hasSize(1);
        assertThat(engine.hostsByState()).containsEntry(HostState.DOWN, 1).containsEntry(HostState.ONLINE, 1);
    }

    @Test
    void aReturningHostIsReportedOnlineWithTheSequenceThatProvesIt() {
        run(1000);
        run(3000, "h1");
        all = Actions.NONE;
        clock.advanceMillis(10);
        Actions back = engine.onHeartbeat(heartbeat("h1", 77, clock.instant()));

        HostHealthChange online = Fixtures.healthChange(back);
        assertThat(online.previous()).isEqualTo(HostState.DOWN);
        assertThat(online.current()).isEqualTo(HostState.ONLINE);
        assertThat(online.evidence()).singleElement().asString().startsWith("heartbeat seq 77 received");
        assertThat(Fixtures.lastRecord(back).timeline()).last().extracting(RecoveryRecord.TimelineEntry::phase)
                .isEqualTo("host-returned");
        assertThat(engine.incidents()).hasSize(1);
    }

    @Test
    void staleHeartbeatsDoNotReviveADownHost() {
        run(1000);
        run(3000, "h1");
        Actions stale = engine.onHeartbeat(heartbeat("h1", 3, clock.instant().minusSeconds(3)));
        assertThat(stale.events()).isEmpty();
        assertThat(engine.hosts().get("h1").state()).isEqualTo(HostState.DOWN);
    }

    @Test
    void aKnownHostThatNeverHeartbeatsIsNotDeclaredDown() {
        engine.onInventory("h3", true);
        run(5000);
        assertThat(events(all, HostHealthChange.class)).isEmpty();
        assertThat(engine.hostsNotYetHeard()).isEqualTo(1);
    }

    @Test
    void whenAllHostsFallSilentTogetherNoIncidentIsOpened() {
        run(1000);
        run(10_000, "h1", "h2");
        assertThat(events(all, HostHealthChange.class)).isEmpty();
        assertThat(engine.incidents()).isEmpty();
        assertThat(all.notes()).filteredOn(n -> n.message().contains("partition suspected")).hasSize(1);
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
