package io.kvmha.failover.core;

import static io.kvmha.failover.core.HeartbeatFailureDetectorTest.T0;
import static io.kvmha.failover.core.HeartbeatFailureDetectorTest.beat;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HostState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostHealthTrackerTest {

    final HostHealthTracker tracker = new HostHealthTracker(new HeartbeatFailureDetector(DetectionThresholds.DEFAULT),
            FailoverEngineTest.NO_HOLD);

    @Test
    void aSilentHostGoesSuspectThenDownOnceWithEvidence() {
        tracker.heartbeat(beat("h1", 7, T0));
        tracker.heartbeat(beat("h2", 1, T0));
        keepAlive("h2", T0.plusMillis(1400));

        List<HealthTransition> suspect = tracker.evaluate(T0.plusMillis(1500)).transitions();
        assertThat(suspect).singleElement().satisfies(t -> {
            assertThat(t.from()).isEqualTo(HostState.ONLINE);
            assertThat(t.to()).isEqualTo(HostState.SUSPECT);
        });
        keepAlive("h2", T0.plusMillis(2000));
        List<HealthTransition> down = tracker.evaluate(T0.plusMillis(2100)).transitions();
        assertThat(down).singleElement().satisfies(t -> {
            assertThat(t.from()).isEqualTo(HostState.SUSPECT);
            assertThat(t.to()).isEqualTo(HostState.DOWN);
            assertThat(t.evidence()).containsExactly("no heartbeat for 2.1 s (last seq 7 at " + T0 + ", libvirt CONNECTED)");
            assertThat(t.lastHeartbeatAt()).isEqualTo(T0);
        });
        keepAlive("h2", T0.plusMillis(3000));
        assertThat(tracker.evaluate(T0.plusMillis(3000)).transitions()).isEmpty();
        assertThat(tracker.health("h1").orElseThrow().state()).isEqualTo(HostState.DOWN);
    }

    @Test
    void aTickThatMissedTheSuspectWindowGoesStraightToDown() {
        tracker.heartbeat(beat("h1", 1, T0));
        tracker.heartbeat(beat("h2", 1, T0.plusMillis(2900)));
        assertThat(tracker.evaluate(T0.plusSeconds(3)).transitions())
                .singleElement().extracting(HealthTransition::from, HealthTransition::to)
                .containsExactly(HostState.ONLINE, HostState.DOWN);
    }

    @Test
    void aHeartbeatBringsASuspectOrDownHostBackOnline() {
        tracker.heartbeat(beat("h1", 1, T0));
        tracker.heartbeat(beat("h2", 1, T0));
        keepAlive("h2", T0.plusMillis(2500));
        tracker.evaluate(T0.plusMillis(2500));

        var back = tracker.heartbeat(beat("h1", 9, T0.plusMillis(4000))).orElseThrow();
        assertThat(back.from()).isEqualTo(HostState.DOWN);
        assertThat(back.to()).isEqualTo(HostState.ONLINE);
        assertThat(back.evidence()).singleElement().asString().startsWith("heartbeat seq 9 received after 4.0 s of silence");
        assertThat(tracker.heartbeat(beat("h1", 10, T0.plusMillis(4500)))).isEmpty();
    }

    @Test
    void whenEveryKnownHostIsSilentNothingIsActedOnAndItIsSaidOncePerEpisode() {
        tracker.heartbeat(beat("h1", 1, T0));
        tracker.heartbeat(beat("h2", 1, T0));
        tracker.heartbeat(beat("h3", 1, T0));

        var first = tracker.evaluate(T0.plusSeconds(5));
        // Held: SUSPECT (no new VMs there), never DOWN.
        assertThat(first.transitions()).extracting(HealthTransition::to).containsOnly(HostState.SUSPECT);
        assertThat(first.transitions()).allSatisfy(t -> assertThat(t.evidence()).contains("held by the mass-failure guard"));
        assertThat(first.notes()).singleElement().satisfies(n -> {
            assertThat(n.level()).isEqualTo(OperatorNote.Level.WARN);
            assertThat(n.message()).contains("all 3 judged hosts are silent at once", "fencing nothing");
        });
        assertThat(tracker.evaluate(T0.plusSeconds(6)).notes()).isEmpty();
        assertThat(tracker.partitionSuspected()).isTrue();

        // h2 and h3 are heard again: the episode ends, and h1, still silent, is now declared down.
        tracker.heartbeat(beat("h2", 2, T0.plusSeconds(7)));
        tracker.heartbeat(beat("h3", 2, T0.plusSeconds(7)));
        var after = tracker.evaluate(T0.plusSeconds(7));
        assertThat(after.notes()).singleElement().satisfies(n -> assertThat(n.message()).contains("mass-failure guard disengaged"));
        assertThat(after.transitions()).singleElement().satisfies(t -> {
            assertThat(t.hostId()).isEqualTo("h1");
            assertThat(t.to()).isEqualTo(HostState.DOWN);
        });
    }

    @Test
    void aSingleSilentHostIsNotAPartition() {
        tracker.heartbeat(beat("h1", 1, T0));
        var evaluation = tracker.evaluate(T0.plusSeconds(3));
        assertThat(evaluation.transitions()).extracting(HealthTransition::to).containsExactly(HostState.DOWN);
        assertThat(evaluation.notes()).isEmpty();
    }

    private void keepAlive(String host, Instant at) {
        tracker.heartbeat(beat(host, at.toEpochMilli(), at));
    }
}
