package io.kvmha.agent;

import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.SelfFencing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Carries out {@link SelfFencing}'s decisions: when the agent has been cut off from the control plane
 * for longer than {@code kvmha.agent.self-fence-timeout}, destroys every active HA-protected domain of
 * this host (others keep running), logs why, and keeps retrying domains it could not destroy (libvirt
 * may be down too) while the cut-off lasts. When heartbeats are acknowledged again it logs the fence
 * once more as its report; the heartbeats carry {@code selfFenced=true} meanwhile.
 */
@Component
public class SelfFenceGuard implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SelfFenceGuard.class);

    private final Hypervisor hypervisor;
    private final SelfFencing selfFencing;
    private final AgentProperties properties;
    private final Counter fences;
    private final Counter destroyed;
    private volatile ScheduledExecutorService checks;
    // Touched only on the check thread.
    private SelfFencing.Fence pending;
    private SelfFencing.Fence unreported;
    private static final int MAX_PARALLEL_DESTROYS = 16;
    private final List<String> destroyedVms = new java.util.concurrent.CopyOnWriteArrayList<>();

    public SelfFenceGuard(Hypervisor hypervisor, SelfFencing selfFencing, AgentProperties properties, MeterRegistry meters) {
        this.hypervisor = hypervisor;
        this.selfFencing = selfFencing;
        this.properties = properties;
        this.fences = Counter.builder("kvmha.agent.self.fences")
                .description("Times this agent fenced itself after losing the control plane").register(meters);
        this.destroyed = Counter.builder("kvmha.agent.self.fence.destroyed.vms")
                .description("HA-protected VMs destroyed by self-fencing").register(meters);
    }

    @Override
    public synchronized void start() {
        if (checks != null || !properties.selfFenceEnabled()) {
            if (!properties.selfFenceEnabled()) {
                log.warn("host={} self-fencing DISABLED (kvmha.agent.self-fence-enabled=false)", properties.hostId());
            }
            return;
        }
        checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "self-fence-" + properties.hostId());
            t.setDaemon(true);
            return t;
        });
        long periodMs = Math.max(50, properties.heartbeatInterval().toMillis() / 2);
        checks.scheduleWithFixedDelay(this::check, periodMs, periodMs, TimeUnit.MILLISECONDS);
        log.info("host={} self-fencing armed: HA-protected VMs are destroyed after {} ms without an acknowledged heartbeat",
                properties.hostId(), selfFencing.timeout().toMillis());
    }

    void check() {
        try {
            selfFencing.check().ifPresent(fence -> {
                fences.increment();
                pending = fence;
                unreported = fence;
                destroyedVms.clear();
                log.error("host={} SELF-FENCING: {}; destroying HA-protected VMs", properties.hostId(), fence.reason());
            });
            if (pending != null) {
                if (!selfFencing.selfFenced()) {
                    pending = null; // reconnected before libvirt let us finish: the control plane decides now
                } else if (destroyProtected()) {
                    log.error("host={} self-fenced at {}: destroyed vms={}", properties.hostId(), pending.at(), destroyedVms);
                    pending = null;
                }
            }
            if (unreported != null && selfFencing.lastAcknowledgedAfter(unreported.at())) {
                log.warn("host={} back in contact with the control plane after self-fencing at {} ({}); destroyed vms={}",
                        properties.hostId(), unreported.at(), unreported.reason(), destroyedVms);
                unreported = null;
            }
        } catch (RuntimeException e) {
            log.warn("host={} self-fence check failed: {}", properties.hostId(), e.toString());
        }
    }

    /**
     * Destroys every active HA-protected domain, all at once: the failover service restarts them elsewhere once the
     * self-fence timeout plus its safety margin has passed, so the whole fence must fit in that margin. One by one,
     * real QEMUs took ~2 s each on a loaded host, and five VMs overran a 5 s margin. True when none is left running.
     */
    private boolean destroyProtected() {
        if (!hypervisor.isConnected()) {
            return false;
        }
        List<HypervisorDomain> targets = hypervisor.listDomains().stream()
                .filter(d -> d.isHaProtected() && d.isActive()).toList();
        if (targets.isEmpty()) {
            return true;
        }
        ExecutorService destroyers = Executors.newFixedThreadPool(Math.min(targets.size(), MAX_PARALLEL_DESTROYS), r -> {
            Thread t = new Thread(r, "self-fence-destroy-" + properties.hostId());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (HypervisorDomain d : targets) {
                results.add(destroyers.submit(() -> destroy(d)));
            }
            boolean done = true;
            for (Future<Boolean> result : results) {
                try {
                    done &= result.get();
                } catch (ExecutionException e) {
                    done = false;
                }
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            destroyers.shutdownNow();
        }
    }

    private boolean destroy(HypervisorDomain d) {
        try {
            hypervisor.destroy(d.uuid());
            destroyed.increment();
            destroyedVms.add(d.uuid());
            log.error("host={} vm={} name={} destroyed by self-fencing", properties.hostId(), d.uuid(), d.name());
            return true;
        } catch (RuntimeException e) {
            log.error("host={} vm={} self-fence destroy failed, retrying: {}", properties.hostId(), d.uuid(), e.getMessage());
            return false;
        }
    }

    @Override
    public synchronized void stop() {
        if (checks != null) {
            checks.shutdownNow();
            checks = null;
        }
    }

    @Override
    public boolean isRunning() {
        return checks != null;
    }

    @Override
    public int getPhase() {
        return HypervisorConnectionLifecycle.PHASE + 20;
    }
}
