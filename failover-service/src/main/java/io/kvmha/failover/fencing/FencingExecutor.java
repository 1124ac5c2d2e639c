package io.kvmha.failover.fencing;

import io.kvmha.failover.config.FailoverProperties;
import io.kvmha.failover.core.FenceOutcome;
import io.kvmha.failover.core.FenceRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs fencing off the decision lock (a BMC may take seconds) and hands the outcome back. Counts
 * attempts as {@code kvmha_fence_attempts_total{driver,result}}.
 */
@Component
public class FencingExecutor implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FencingExecutor.class);

    private final FencingDrivers drivers;
    private final FailoverProperties.Fencing config;
    private final MeterRegistry registry;
    private final ExecutorService chains = Executors.newCachedThreadPool(daemon("failover-fencing"));
    private final ExecutorService attempts = Executors.newCachedThreadPool(daemon("failover-fence-attempt"));
    private final java.util.concurrent.ScheduledExecutorService probes =
            Executors.newSingleThreadScheduledExecutor(daemon("failover-bmc-probe"));
    /** Per host and driver: 1 when the BMC answered its last probe, 0 when not. */
    private final java.util.Map<String, AtomicInteger> reachable = new java.util.concurrent.ConcurrentHashMap<>();

    public FencingExecutor(FencingDrivers drivers, FailoverProperties properties, MeterRegistry registry) {
        this.drivers = drivers;
        this.config = properties.fencing();
        this.registry = registry;
    }

    /**
     * Probes every configured BMC at start-up and then every {@code fencing.probe-interval}, in the background: a dead
     * BMC is reported (WARN on a change, {@code kvmha_failover_bmc_reachable{host,driver}} 0) before it is needed, and
     * the fencing path (HTTP client, TLS, ipmitool) stays warm for the failure that does need it.
     */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    public void probeAll() {
        long period = config.probeInterval().toMillis();
        probes.scheduleWithFixedDelay(this::probeOnce, 0, period, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void probeOnce() {
        for (String host : drivers.hosts()) {
            for (FencingDriver driver : drivers.forHost(host)) {
                try {
                    String seen = driver.probe(host);
                    if (seen.equals("not probed")) {
                        continue; // A driver that cannot read the power state without acting (none today).
                    }
                    boolean answered = !(seen.startsWith("UNREACHABLE") || seen.startsWith("answered"));
                    AtomicInteger gauge = reachable.computeIfAbsent(host + "|" + driver.name(), key -> {
                        AtomicInteger value = new AtomicInteger(-1);
                        io.micrometer.core.instrument.Gauge.builder("kvmha.failover.bmc.reachable", value, AtomicInteger::get)
                                .description("1 when the host's BMC answered its last probe, 0 when not")
                                .tag("host", host).tag("driver", driver.name()).register(registry);
                        return value;
                    });
                    int previous = gauge.getAndSet(answered ? 1 : 0);
                    if (!answered && previous != 0) {
                        log.warn("host={} BMC {} probe {}; while it does not answer, fencing this host waits for the self-fence deadline",
                                host, driver, seen);
                    } else if (answered && previous != 1) {
                        log.info("host={} BMC {} {}", host, driver, seen);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    log.warn("host={} BMC {} probe failed: {}", host, driver, e.toString());
                }
            }
        }
    }

    /** Fences the host asynchronously; {@code whenDone} gets the outcome on a fencing thread. */
    public void fence(FenceRequest request, Consumer<FenceOutcome> whenDone) {
        chains.execute(() -> {
            FenceOutcome outcome;
            try {
                List<FencingDriver> hostDrivers = drivers.forHost(request.hostId());
                FencingChain chain = new FencingChain(hostDrivers, attempts, config.attemptTimeout(), config.attempts(),
                        config.retryWait());
                log.info("host={} incident={} fencing with {}", request.hostId(), request.incidentId(),
                        hostDrivers.isEmpty() ? "no BMC (self-fence fallback)" : hostDrivers);
                outcome = chain.fence(request, (driver, result) -> {
                    Counter.builder("kvmha.fence.attempts").description("Fencing driver attempts by driver and result")
                            .tag("driver", driver).tag("result", result.kind().name().toLowerCase(Locale.ROOT))
                            .register(registry).increment();
                    log.info("host={} incident={} fence {} {}: {}", request.hostId(), request.incidentId(), driver,
                            result.kind(), result.detail());
                });
            } catch (RuntimeException e) {
                // A broken configuration (unreadable credential file) is a refusal: never assume the host is off.
                outcome = new FenceOutcome(request.hostId(), request.incidentId(), FenceOutcome.Result.REFUSED, "config",
                        List.of("fencing could not run: " + e.getMessage()));
            }
            whenDone.accept(outcome);
        });
    }

    @Override
    public void destroy() {
        chains.shutdownNow();
        attempts.shutdownNow();
        probes.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
