package io.kvmha.e2e;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;

/**
 * Asks every host's libvirtd, directly and all the time, which domains run guest code: the ground truth of "never on two
 * hosts at once", independent of the agents and the control plane. A host whose libvirtd does not answer (powered
 * off) runs nothing; one whose libvirtd is down while its QEMUs live (a libvirtd crash) is not sampled then.
 */
public final class LibvirtSampler implements AutoCloseable {

    /** A VM seen running on more than one host in the same sample. */
    public record DoubleRun(Instant at, String vmId, Set<String> hosts) {
    }

    /** One uninterrupted run of a VM on a host: first and last sample that saw it. */
    public record Sighting(Instant first, Instant last) {
    }

    private final Testbed testbed;
    private final long periodMillis;
    private final Map<String, Connect> connections = new HashMap<>();
    /** Runs of each VM on each host, oldest first; a run ends when a sample of that host no longer shows the VM. */
    private final Map<String, Map<String, List<Sighting>>> sightings = new ConcurrentHashMap<>();
    private Instant previousSample;
    private final List<DoubleRun> doubleRuns = new CopyOnWriteArrayList<>();
    private final AtomicLong samples = new AtomicLong();
    private volatile Map<String, Set<String>> latest = Map.of();
    private volatile boolean running = true;
    private final Thread thread;

    public LibvirtSampler(Testbed testbed, long periodMillis) {
        this.testbed = testbed;
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::loop, "libvirt-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            long started = System.nanoTime();
            sampleOnce();
            long sleep = periodMillis - (System.nanoTime() - started) / 1_000_000;
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void sampleOnce() {
        Instant at = Instant.now();
        Map<String, Set<String>> hostsByVm = new HashMap<>();
        for (String host : testbed.hostIds()) {
            for (String vmId : running(host)) {
                hostsByVm.computeIfAbsent(vmId, k -> new TreeSet<>()).add(host);
                List<Sighting> runs = sightings.computeIfAbsent(vmId, k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(host, k -> new CopyOnWriteArrayList<>());
                Sighting last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                if (last != null && last.last().equals(previousSample)) {
                    runs.set(runs.size() - 1, new Sighting(last.first(), at));
                } else {
                    runs.add(new Sighting(at, at));
                }
            }
        }
        hostsByVm.forEach((vmId, hosts) -> {
            if (hosts.size() > 1) {
                doubleRuns.add(new DoubleRun(at, vmId, Set.copyOf(hosts)));
            }
        });
        latest = Map.copyOf(hostsByVm);
        previousSample = at;
        samples.incrementAndGet();
    }

    private List<String> running(String host) {
        try {
            Connect connect = connections.get(host);
            if (connect == null) {
                connect = new Connect(testbed.unixUri(host), true);
                connections.put(host, connect);
            }
            List<String> uuids = new ArrayList<>();
            for (int id : connect.listDomains()) {
                try {
                    Domain domain = connect.domainLookupByID(id);
                    // Running guest code only: a live migration's destination waits paused for the memory, and its
                    // source stays paused after the switch-over until it is torn down.
                    if (domain.getInfo().state == DomainInfo.DomainState.VIR_DOMAIN_RUNNING) {
                        uuids.add(domain.getUUIDString());
                    }
                } catch (LibvirtException gone) {
                    // Stopped between the listing and the lookup.
                }
            }
            return uuids;
        } catch (LibvirtException e) {
            Connect broken = connections.remove(host);
            if (broken != null) {
                try {
                    broken.close();
                } catch (LibvirtException ignored) {
                    // Already gone.
                }
            }
            return List.of();
        }
    }

    /** Hosts that ran the VM in the latest sample. */
    public Set<String> hostsRunning(String vmId) {
        return latest.getOrDefault(vmId, Set.of());
    }

    /** Every VM running in the latest sample, with its hosts. */
    public Map<String, Set<String>> latest() {
        return latest;
    }

    /** The VM's latest run on the host, or null if it never ran there. */
    public Sighting sighting(String vmId, String host) {
        List<Sighting> runs = runs(vmId, host);
        return runs.isEmpty() ? null : runs.get(runs.size() - 1);
    }

    /** Every run of the VM on the host, oldest first. */
    private List<Sighting> runs(String vmId, String host) {
        return List.copyOf(sightings.getOrDefault(vmId, Map.of()).getOrDefault(host, List.of()));
    }

    public List<DoubleRun> doubleRuns() {
        return List.copyOf(doubleRuns);
    }

    public long samples() {
        return samples.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
        for (Connect c : connections.values()) {
            try {
                c.close();
            } catch (LibvirtException ignored) {
                // Closing anyway.
            }
        }
    }
}
