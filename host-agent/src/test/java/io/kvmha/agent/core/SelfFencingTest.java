package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SelfFencingTest {

    final VirtualClock clock = new VirtualClock(Instant.parse("2026-11-27T12:00:00Z"));
    final SelfFencing fencing = new SelfFencing(clock, Duration.ofSeconds(10));

    @Test
    void fencesOnceAfterTheTimeoutWithoutAcknowledgedHeartbeats() {
        fencing.acknowledged();
        clock.advance(Duration.ofSeconds(10));
        assertThat(fencing.check()).isEmpty(); // exactly the timeout: not yet
        clock.advance(Duration.ofMillis(1));
        var fence = fencing.check();
        assertThat(fence).isPresent();
        assertThat(fence.get().reason()).contains("no heartbeat acknowledged", "10001 ms", "10000 ms");
        assertThat(fencing.selfFenced()).isTrue();
        clock.advance(Duration.ofSeconds(30));
        assertThat(fencing.check()).as("once per cut-off").isEmpty();
    }

    @Test
    void acknowledgedHeartbeatsKeepItArmedButUnfired() {
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofMillis(500));
            fencing.acknowledged();
            assertThat(fencing.check()).isEmpty();
        }
        assertThat(fencing.selfFenced()).isFalse();
    }

    @Test
    void theFlagStaysUpForOneTimeoutOfAcknowledgedHeartbeatsAfterRejoining() {
        clock.advance(Duration.ofSeconds(11));
        assertThat(fencing.check()).isPresent();
        clock.advance(Duration.ofSeconds(60));
        for (int i = 0; i < 20; i++) {
            fencing.acknowledged();
            assertThat(fencing.selfFenced()).isTrue();
            clock.advance(Duration.ofMillis(500));
        }
        fencing.acknowledged();
        assertThat(fencing.selfFenced()).isFalse();
        assertThat(fencing.lastFence()).isPresent();
        // A new cut-off fences again.
        clock.advance(Duration.ofSeconds(11));
        assertThat(fencing.check()).isPresent();
    }

    @Test
    void maintenanceSuspendsFencing() {
        fencing.maintenance(true);
        clock.advance(Duration.ofMinutes(5));
        assertThat(fencing.check()).isEmpty();
        fencing.maintenance(false);
        assertThat(fencing.check()).isPresent();
    }
}
