package io.kvmha.failover.fencing;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.kvmha.failover.core.FenceOutcome;
import io.kvmha.failover.core.FenceRequest;
import io.kvmha.failover.fencing.FencingDriver.DriverResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * A host's fencing drivers in order (Redfish, then IPMI), each attempt bounded by a Resilience4j
 * {@link TimeLimiter} and an UNREACHABLE attempt retried by a Resilience4j {@link Retry}. The first
 * driver that sees the chassis off wins (POWERED_OFF). A driver that is refused hands over to the next;
 * if any was refused and none confirmed, the chain is REFUSED (a BMC that answers "no" is not overridden
 * by a timer). If every driver was unreachable, or none is configured, NO_CONFIRMATION: the self-fence
 * fallback decides.
 */
public final class FencingChain {

    private final List<FencingDriver> drivers;
    private final ExecutorService attempts;
    private final TimeLimiterConfig timeLimit;
    private final RetryConfig retry;

    /**
     * @param attemptTimeout the longest one driver attempt may take, power-off poll included
     * @param maxAttempts    attempts per driver while it is unreachable
     * @param retryWait      pause between attempts
     */
    public FencingChain(List<FencingDriver> drivers, ExecutorService attempts, Duration attemptTimeout, int maxAttempts,
                        Duration retryWait) {
        this.drivers = List.copyOf(drivers);
        this.attempts = attempts;
        this.timeLimit = TimeLimiterConfig.custom().timeoutDuration(attemptTimeout).cancelRunningFuture(true).build();
        this.retry = RetryConfig.<DriverResult>custom()
                .maxAttempts(maxAttempts)
                .waitDuration(retryWait)
                .retryOnResult(r -> r.kind() == DriverResult.Kind.UNREACHABLE)
                .build();
    }

    public boolean hasDrivers() {
        return !drivers.isEmpty();
    }

    /** Runs the chain (blocking); {@code onAttempt} hears (driver, result) after every attempt. */
    public FenceOutcome fence(FenceRequest request, BiConsumer<String, DriverResult> onAttempt) {
        List<String> evidence = new ArrayList<>();
        if (drivers.isEmpty()) {
            evidence.add("no BMC configured for " + request.hostId());
            return new FenceOutcome(request.hostId(), request.incidentId(), FenceOutcome.Result.NO_CONFIRMATION, "none", evidence);
        }
        boolean refused = false;
        String refusedBy = null;
        for (FencingDriver driver : drivers) {
            TimeLimiter limiter = TimeLimiter.of(driver.name() + "-" + request.hostId(), timeLimit);
            Retry retrier = Retry.of(driver.name() + "-" + request.hostId(), retry);
            int[] attempt = {0};
            DriverResult result = Retry.decorateSupplier(retrier, () -> {
                attempt[0]++;
                DriverResult r = attemptOnce(driver, request.hostId(), limiter);
                evidence.add(driver.name() + " attempt " + attempt[0] + ": " + r.kind() + " " + r.detail());
                onAttempt.accept(driver.name(), r);
                return r;
            }).get();
            if (result.kind() == DriverResult.Kind.OFF) {
                return new FenceOutcome(request.hostId(), request.incidentId(), FenceOutcome.Result.POWERED_OFF,
                        driver.name(), evidence);
            }
            if (result.kind() == DriverResult.Kind.REFUSED && !refused) {
                refused = true;
                refusedBy = driver.name();
            }
        }
        return refused
                ? new FenceOutcome(request.hostId(), request.incidentId(), FenceOutcome.Result.REFUSED, refusedBy, evidence)
                : new FenceOutcome(request.hostId(), request.incidentId(), FenceOutcome.Result.NO_CONFIRMATION,
                        drivers.stream().map(FencingDriver::name).reduce((a, b) -> a + "+" + b).orElse("none"), evidence);
    }

    private DriverResult attemptOnce(FencingDriver driver, String hostId, TimeLimiter limiter) {
        try {
            return limiter.executeFutureSupplier(() -> CompletableFuture.supplyAsync(() -> {
                try {
                    return driver.fence(hostId);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return DriverResult.unreachable("interrupted");
                }
            }, attempts));
        } catch (TimeoutException e) {
            return DriverResult.unreachable("no result within " + timeLimit.getTimeoutDuration().toMillis() + " ms");
        } catch (CompletionException e) {
            return DriverResult.unreachable("driver failed: " + e.getCause());
        } catch (Exception e) {
            return DriverResult.unreachable("driver failed: " + e);
        }
    }
}
