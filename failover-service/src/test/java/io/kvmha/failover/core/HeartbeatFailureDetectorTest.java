package io.kvmha.failover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeartbeatFailureDetectorTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    final HeartbeatFailureDetector detector = new HeartbeatFailureDetector(DetectionThresholds.DEFAULT);

    static HeartbeatObservation beat(String host, long seq, Instant at) {
        return new HeartbeatObservation(host, seq, at, at, true);
    }

    @Test
    void silenceBeyondTheThresholdsMakesAHostSuspectThenDead() {
        detector.record(beat("h1", 42, T0));

        assertThat(detector.evaluate(T0.plusMillis(1000)).get(0).liveness()).isEqualTo(Liveness.ALIVE);
        assertThat(detector.evaluate(T0.plusMillis(1001)).get(0).liveness()).isEqualTo(Liveness.SUSPECT);
        assertThat(detector.evaluate(T0.plusMillis(2000)).get(0).liveness()).isEqualTo(Liveness.SUSPECT);
        Verdict dead = detector.evaluate(T0.plusMillis(2100)).get(0);
        assertThat(dead.liveness()).isEqualTo(Liveness.DEAD);
        assertThat(dead.silence()).isEqualTo(Duration.ofMillis(2100));
        assertThat(dead.evidence()).isEqualTo("no heartbeat for 2.1 s (last seq 42 at 2026-11-27T12:00:00Z, libvirt CONNECTED)");
    }

    @Test
    void aNewHeartbeatRestartsTheSilence() {
        detector.record(beat("h1", 1, T0));
        detector.record(beat("h1", 2, T0.plusMillis(1500)));
        assertThat(detector.evaluate(T0.plusMillis(2500)).get(0).liveness()).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void onlyHostsThatHeartbeatedAreJudgedAndForgottenHostsAreNot() {
        assertThat(detector.evaluate(T0.plusSeconds(60))).isEmpty();
        detector.record(beat("h1", 1, T0));
        detector.forget("h1");
        assertThat(detector.evaluate(T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void thresholdsAreConfigurableAndMustBeOrdered() {
        var fast = new HeartbeatFailureDetector(new DetectionThresholds(Duration.ofMillis(300), Duration.ofMillis(600)));
        fast.record(beat("h1", 1, T0));
        assertThat(fast.evaluate(T0.plusMillis(601)).get(0).liveness()).isEqualTo(Liveness.DEAD);
        assertThatThrownBy(() -> new DetectionThresholds(Duration.ofSeconds(2), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
