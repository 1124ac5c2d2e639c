package io.kvmha.failover.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.failover.core.FenceOutcome;
import io.kvmha.failover.core.FenceRequest;
import io.kvmha.failover.fencing.FencingDriver.DriverResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FencingChainTest {

    final ExecutorService pool = Executors.newCachedThreadPool();
    final FenceRequest request = new FenceRequest("h1", "inc-1", Instant.EPOCH, List.of("silent"));
    final List<String> attempts = new ArrayList<>();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static FencingDriver driver(String name, AtomicInteger calls, DriverResult... results) {
        return new FencingDriver() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DriverResult fence(String hostId) throws InterruptedException {
                int n = calls.getAndIncrement();
                DriverResult r = results[Math.min(n, results.length - 1)];
                if (r == null) {
                    Thread.sleep(10_000); // Hangs: the time limiter must cut it.
                }
                return r;
            }
        };
    }

    FenceOutcome run(FencingDriver... drivers) {
        return new FencingChain(List.of(drivers), pool, Duration.ofMillis(200), 2, Duration.ofMillis(10))
                .fence(request, (d, r) -> attempts.add(d + ":" + r.kind()));
    }

    @Test
    void noDriversMeansNoConfirmation() {
        FenceOutcome outcome = run();
        assertThat(outcome.result()).isEqualTo(FenceOutcome.Result.NO_CONFIRMATION);
        assertThat(outcome.method()).isEqualTo("none");
    }

    @Test
    void anUnreachableDriverIsRetriedThenTheNextDriverConfirms() {
        AtomicInteger redfish = new AtomicInteger();
        AtomicInteger ipmi = new AtomicInteger();
        FenceOutcome outcome = run(driver("redfish", redfish, DriverResult.unreachable("timeout")),
                driver("ipmi", ipmi, DriverResult.off("chassis power off")));
        assertThat(outcome.result()).isEqualTo(FenceOutcome.Result.POWERED_OFF);
        assertThat(outcome.method()).isEqualTo("ipmi");
        assertThat(redfish.get()).isEqualTo(2);
        assertThat(attempts).containsExactly("redfish:UNREACHABLE", "redfish:UNREACHABLE", "ipmi:OFF");
        assertThat(outcome.attempts()).hasSize(3);
    }

    @Test
    void aHangingDriverIsCutByTheTimeLimiterAndCountsAsUnreachable() {
        AtomicInteger calls = new AtomicInteger();
        FenceOutcome outcome = run(driver("redfish", calls, (DriverResult) null));
        assertThat(outcome.result()).isEqualTo(FenceOutcome.Result.NO_CONFIRMATION);
        assertThat(outcome.attempts()).allSatisfy(a -> assertThat(a).contains("no result within 200 ms"));
    }

    @Test
    void aRefusalIsNotRetriedAndWinsOverUnreachable() {
        AtomicInteger redfish = new AtomicInteger();
        AtomicInteger ipmi = new AtomicInteger();
        FenceOutcome outcome = run(driver("redfish", redfish, DriverResult.refused("HTTP 500")),
                driver("ipmi", ipmi, DriverResult.unreachable("no route")));
        assertThat(outcome.result()).isEqualTo(FenceOutcome.Result.REFUSED);
        assertThat(outcome.method()).isEqualTo("redfish");
        assertThat(redfish.get()).isEqualTo(1);
    }

    @Test
    void aSecondBmcPathCanConfirmAfterARefusal() {
        FenceOutcome outcome = run(driver("redfish", new AtomicInteger(), DriverResult.refused("HTTP 500")),
                driver("ipmi", new AtomicInteger(), DriverResult.off("off")));
        assertThat(outcome.result()).isEqualTo(FenceOutcome.Result.POWERED_OFF);
    }
}
