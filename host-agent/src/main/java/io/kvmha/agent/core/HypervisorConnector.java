package io.kvmha.agent.core;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps the hypervisor connection open: connects at start, and whenever the connection is found
 * closed, reconnects with backoff until it succeeds. Never gives up: an agent that cannot reach
 * libvirt keeps heartbeating (with libvirt DISCONNECTED) and keeps trying.
 *
 * <p>All attempts and checks run on the given scheduler; give it a single thread so they never overlap.
 */
public final class HypervisorConnector implements AutoCloseable {

    /** What the connector observed, for logs and for republishing the inventory. */
    public interface Listener {
        void connected(String uri);

        void connectFailed(String uri, String message, int failures, Duration retryIn);

        void lost(String uri);
    }

    private final Hypervisor hypervisor;
    private final ScheduledExecutorService scheduler;
    private final RetryDelays backoff;
    private final Duration checkInterval;
    private final Listener listener;

    // Touched only on the scheduler's thread.
    private int failures;
    private boolean wasConnected;
    private ScheduledFuture<?> pendingAttempt;
    private volatile boolean closed;

    public HypervisorConnector(Hypervisor hypervisor, ScheduledExecutorService scheduler, RetryDelays backoff,
                               Duration checkInterval, Listener listener) {
        this.hypervisor = hypervisor;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.checkInterval = checkInterval;
        this.listener = listener;
    }

    /**
     * Makes the first attempt and waits up to {@code firstAttemptTimeout} for it, so a reachable
     * hypervisor is connected when this returns; later attempts and checks run in the background.
     */
    public void start(Duration firstAttemptTimeout) {
        Future<?> first = scheduler.submit(this::attempt);
        scheduler.scheduleWithFixedDelay(this::check, checkInterval.toMillis(), checkInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            first.get(firstAttemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Still trying: the agent starts anyway and reports libvirt DISCONNECTED meanwhile.
        } catch (ExecutionException e) {
            throw new IllegalStateException("first connection attempt crashed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void attempt() {
        pendingAttempt = null;
        if (closed) {
            return;
        }
        try {
            hypervisor.connect();
            failures = 0;
            wasConnected = true;
            notify(() -> listener.connected(hypervisor.uri()));
        } catch (RuntimeException e) {
            failures++;
            Duration retryIn = backoff.delayAfter(failures);
            notify(() -> listener.connectFailed(hypervisor.uri(), e.getMessage(), failures, retryIn));
            pendingAttempt = scheduler.schedule(this::attempt, retryIn.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        if (closed || pendingAttempt != null) {
            return;
        }
        if (!hypervisor.isConnected()) {
            if (wasConnected) {
                wasConnected = false;
                notify(() -> listener.lost(hypervisor.uri()));
            }
            attempt();
        }
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            // A failing listener must not stop the reconnection loop (a periodic task that throws is cancelled).
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
