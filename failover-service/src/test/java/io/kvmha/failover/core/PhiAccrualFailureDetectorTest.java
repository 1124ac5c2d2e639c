package io.kvmha.failover.core;

import static io.kvmha.failover.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PhiAccrualFailureDetectorTest {

    final PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(PhiThresholds.DEFAULT, DetectionThresholds.DEFAULT);

    void beat(String host, Instant at) {
        detector.record(new HeartbeatObservation(host, at.toEpochMilli(), at, at, true));
    }

    Liveness at(String host, Instant now) {
        return detector.evaluate(now).stream().filter(v -> v.hostId().equals(host)).findFirst().orElseThrow().liveness();
    }

    /** The first instant (10 ms steps) at which the host is judged {@code target}, counted from its last heartbeat. */
    Duration firstTime(String host, Instant last, Liveness target) {
        for (long ms = 0; ms < 5000; ms += 10) {
            if (at(host, last.plusMillis(ms)) == target) {
                return Duration.ofMillis(ms);
            }
        }
        return Duration.ofSeconds(5);
    }

    @Test
    void aRegularStreamIsDeclaredDeadWellBeforeTheCeiling() {
        Instant t = T0;
        for (int i = 0; i < 50; i++) {
            beat("h1", t);
            t = t.plusMillis(500);
        }
        Instant last = t.minusMillis(500);
        assertThat(at("h1", last.plusMillis(700))).isEqualTo(Liveness.ALIVE);
        Duration suspect = firstTime("h1", last, Liveness.SUSPECT);
        Duration dead = firstTime("h1", last, Liveness.DEAD);
        assertThat(suspect).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1400));
        assertThat(dead).isBetween(Duration.ofMillis(1300), Duration.ofMillis(1800)).isGreaterThan(suspect);
        assertThat(detector.evaluate(last.plus(dead)).get(0).evidence()).startsWith("no heartbeat for").contains("phi ");
    }

    @Test
    void aJitteryStreamEarnsPatienceUpToTheCeiling() {
        Random random = new Random(42);
        Instant t = T0;
        for (int i = 0; i < 100; i++) {
            beat("h1", t);
            t = t.plusMillis(200 + random.nextInt(700)); // 200..900 ms
        }
        beat("h1", t);
        Duration dead = firstTime("h1", t, Liveness.DEAD);
        assertThat(dead).isGreaterThan(Duration.ofMillis(1800)).isLessThanOrEqualTo(Duration.ofMillis(2010));
    }

    @Test
    void phiGrowsWithSilence() {
        Instant t = T0;
        for (int i = 0; i < 20; i++) {
            beat("h1", t);
            t = t.plusMillis(500);
        }
        assertThat(detector.phi("h1", 500)).isLessThan(detector.phi("h1", 1000));
        assertThat(detector.phi("h1", 1000)).isLessThan(detector.phi("h1", 1500));
    }

    @Test
    void longGapsAreNotLearnedAndRearmRestartsTheClock() {
        beat("h1", T0);
        beat("h1", T0.plusSeconds(30)); // The host was down: not an interval to learn.
        Instant last = T0.plusSeconds(30);
        assertThat(firstTime("h1", last, Liveness.DEAD)).isLessThan(Duration.ofMillis(2000));
        detector.rearm("h1", last.plusSeconds(100));
        assertThat(at("h1", last.plusSeconds(101))).isEqualTo(Liveness.ALIVE);
    }
}
