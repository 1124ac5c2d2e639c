package io.kvmha.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryDelayTest {

    private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    private final DeliveryDelay delay = new DeliveryDelay();

    @Test
    void aHostsClockOffsetIsNotADelay() {
        for (int i = 0; i < 10; i++) {
            Instant received = T0.plusMillis(500L * i);
            delay.record("ahead", received.plusSeconds(3), received); // its clock runs 3 s ahead
            delay.record("behind", received.minusSeconds(2), received);
        }
        assertThat(delay.current(T0.plusMillis(4500))).isZero();
    }

    @Test
    void theWholePipelineLateIsMeasuredOneSlowHostIsNot() {
        for (int i = 0; i < 4; i++) {
            Instant received = T0.plusMillis(500L * i);
            for (String host : new String[] {"h1", "h2", "h3"}) {
                delay.record(host, received, received);
            }
        }
        Instant later = T0.plusMillis(2000);
        delay.record("h1", later.minusMillis(900), later); // one host's heartbeat 900 ms late
        assertThat(delay.current(later)).isZero();
        for (String host : new String[] {"h2", "h3"}) {
            delay.record(host, later.minusMillis(400), later); // now all arrive late
        }
        for (int i = 1; i <= 2; i++) {
            for (String host : new String[] {"h1", "h2", "h3"}) {
                Instant received = later.plusMillis(500L * i);
                delay.record(host, received.minusMillis(400), received);
            }
        }
        // The baseline creeps up 1 ms a heartbeat (so a stepped clock is relearned): a little under 400 ms.
        assertThat(delay.current(later.plusMillis(1000))).isBetween(Duration.ofMillis(390), Duration.ofMillis(400));
    }

    @Test
    void fewOrOldHeartbeatsSayNothing() {
        delay.record("h1", T0.minusMillis(800), T0);
        delay.record("h1", T0.minusMillis(100), T0.plusMillis(500));
        assertThat(delay.current(T0.plusMillis(600))).isZero();
        assertThat(delay.current(T0.plusSeconds(10))).isZero();
    }
}
