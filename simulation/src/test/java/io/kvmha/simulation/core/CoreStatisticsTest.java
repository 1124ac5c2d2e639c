package io.kvmha.simulation.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.Tier;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoreStatisticsTest {

    @Test
    void nearestRankPercentiles() {
        Percentiles p = new Percentiles(List.of(5, 1, 4, 2, 3, 6, 7, 8, 9, 10));
        assertThat(p.percentile(50)).isEqualTo(5);
        assertThat(p.percentile(99)).isEqualTo(10);
        assertThat(p.percentile(10)).isEqualTo(1);
        assertThat(p.max()).isEqualTo(10);
        assertThat(new Percentiles(List.of()).percentile(50)).isNaN();
        assertThat(Percentiles.round(1.23456, 2)).isEqualTo(1.23);
    }

    @Test
    void tierOrderCountsVmsStartedAfterAWorseTierBegan() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<TierOrder.Start> inOrder = List.of(
                new TierOrder.Start("g1", Tier.GOLD, t), new TierOrder.Start("g2", Tier.GOLD, t.plusMillis(1)),
                new TierOrder.Start("s1", Tier.SILVER, t.plusMillis(2)), new TierOrder.Start("b1", Tier.BRONZE, t.plusMillis(3)));
        assertThat(TierOrder.violations(inOrder)).isZero();
        List<TierOrder.Start> lateGold = List.of(
                new TierOrder.Start("s1", Tier.SILVER, t), new TierOrder.Start("s2", Tier.SILVER, t.plusMillis(1)),
                new TierOrder.Start("g1", Tier.GOLD, t.plusMillis(2)), new TierOrder.Start("b1", Tier.BRONZE, t.plusMillis(3)));
        assertThat(TierOrder.violations(lateGold)).isEqualTo(1);
    }

    @Test
    void lagIsTheAgeOfTheOldestUnconsumedRecordBoundedBySamples() {
        LagHistory history = new LagHistory(60_000);
        history.sample(1_000, 10);
        history.sample(1_200, 15);
        history.sample(1_400, 15);
        assertThat(history.lagSeconds(1_400, 15)).isZero();
        // Record 10 appeared after the sample at 1,000 ms: at most 0.4 s old at 1,400 ms.
        assertThat(history.lagSeconds(1_400, 10)).isEqualTo(0.4);
        assertThat(history.lagSeconds(1_400, 12)).isEqualTo(0.4);
    }
}
