package io.kvmha.system;

import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Looks at every running host's hypervisor directly (not at what agents report), every few
 * milliseconds, and records two things: when each VM was first seen active on each host, and every
 * instant a VM was active on two hosts at once, which must never happen.
 */
public final class DomainSampler implements AutoCloseable {

    /** A VM seen active on more than one host in one sample. */
    public record DoubleRun(Instant at, String vmId, Set<String> hosts) {
    }

    private final LocalCluster cluster;
    private final long periodMillis;
    private final Map<String, Map<String, Instant>> firstSeen = new ConcurrentHashMap<>();
    private final List<DoubleRun> doubleRuns = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long samples;

    public DomainSampler(LocalCluster cluster, long periodMillis) {
        this.cluster = cluster;
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::loop, "domain-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (running) {
            sampleOnce();
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One sample of every running host; also callable directly. */
    public Map<String, Set<String>> sampleOnce() {
        Instant now = Instant.now();
        Map<String, Set<String>> hostsOfVm = new ConcurrentHashMap<>();
        for (String host : cluster.runningHosts()) {
            List<HypervisorDomain> domains;
            try {
                domains = cluster.agent(host).getBean(Hypervisor.class).listDomains();
            } catch (RuntimeException e) {
                continue; // host going down or reconnecting: nothing to see on it right now
            }
            for (HypervisorDomain domain : domains) {
                if (domain.isActive()) {
                    hostsOfVm.computeIfAbsent(domain.uuid(), k -> ConcurrentHashMap.newKeySet()).add(host);
                    firstSeen.computeIfAbsent(domain.uuid(), k -> new ConcurrentHashMap<>()).putIfAbsent(host, now);
                }
            }
        }
        hostsOfVm.forEach((vm, hosts) -> {
            if (hosts.size() > 1) {
                doubleRuns.add(new DoubleRun(now, vm, Set.copyOf(hosts)));
            }
        });
        samples++;
        return hostsOfVm;
    }

    /** Hosts on which the VM is active right now. */
    public Set<String> hostsRunning(String vmId) {
        return sampleOnce().getOrDefault(vmId, Set.of());
    }

    /** When the VM was first seen active on the host, or null. */
    public Instant firstSeen(String vmId, String hostId) {
        return firstSeen.getOrDefault(vmId, Map.of()).get(hostId);
    }

    public List<DoubleRun> doubleRuns() {
        return new ArrayList<>(doubleRuns);
    }

    public long samples() {
        return samples;
    }

    public static String describe(List<DoubleRun> runs) {
        return runs.stream().map(r -> r.vmId() + " on " + r.hosts() + " at " + r.at()).collect(Collectors.joining("; "));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
