package io.kvmha.faultsoak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CI's short seeded subset of the soak: 20 fixed schedules, every invariant held over each whole run. A failing
 * seed reproduces with {@code bench/fault-soak/run --seed N}, which prints the schedule's event log.
 */
class FaultSoakTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyInvariantHolds(long seed) {
        SoakRun.Result result = SoakRun.run(seed, false);
        assertThat(result.violations())
                .as("%s%nreproduce: bench/fault-soak/run --seed %d", result.summary(), seed)
                .isEmpty();
    }

    @Test
    void aSeedReplaysTheSameRunToTheLetter() {
        SoakRun.Result first = SoakRun.run(4, true);
        SoakRun.Result again = SoakRun.run(4, true);
        assertThat(first.log()).isNotEmpty().isEqualTo(again.log());
        assertThat(first.fences()).isPositive();
    }

    @Test
    void schedulesAreSeededAndWithinTheirBounds() {
        for (long seed = 1; seed <= 200; seed++) {
            Schedule schedule = Schedule.generate(seed);
            assertThat(schedule).isEqualTo(Schedule.generate(seed));
            assertThat(schedule.hosts()).hasSizeBetween(6, 10);
            assertThat(schedule.vms()).hasSizeBetween(20, 40);
            assertThat(schedule.faults()).hasSizeBetween(1, 4);
        }
    }
}
