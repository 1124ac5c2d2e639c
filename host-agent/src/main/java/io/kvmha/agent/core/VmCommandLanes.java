package io.kvmha.agent.core;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs commands of different VMs side by side and the commands of one VM one after the other, in the order they
 * were submitted. A failover that restarts six VMs on this host then waits for the slowest start, not for the sum
 * of all six; a DESTROY that follows a START of the same VM still waits for it. How many run at once is the
 * executor's business (a fixed pool of {@code kvmha.agent.command-parallelism} threads in the agent).
 */
public final class VmCommandLanes {

    private final Executor executor;
    /** The last work submitted per VM; removed when it completes and nothing was queued behind it. */
    private final Map<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();

    public VmCommandLanes(Executor executor) {
        this.executor = executor;
    }

    /** Runs {@code work} after every earlier submission for the same VM has completed, however it completed. */
    public <T> CompletableFuture<T> submit(String vmId, Supplier<T> work) {
        CompletableFuture<T>[] next = new CompletableFuture[1];
        tails.compute(vmId, (id, tail) -> {
            CompletableFuture<?> previous = tail == null ? CompletableFuture.completedFuture(null) : tail;
            next[0] = previous.handle((r, e) -> null).thenApplyAsync(ignored -> work.get(), executor);
            return next[0];
        });
        CompletableFuture<T> submitted = next[0];
        submitted.whenComplete((r, e) -> tails.remove(vmId, submitted));
        return submitted;
    }

    /** VMs with work queued or running, for tests and metrics. */
    public int busyVms() {
        return tails.size();
    }
}
