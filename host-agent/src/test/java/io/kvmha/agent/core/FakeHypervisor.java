package io.kvmha.agent.core;

import io.kvmha.contracts.event.DomainState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An in-memory hypervisor that counts what it was asked to do. */
public final class FakeHypervisor implements Hypervisor {

    private static final Pattern UUID = Pattern.compile("<uuid>([^<]+)</uuid>");
    private static final Pattern NAME = Pattern.compile("<name>([^<]+)</name>");

    public final Map<String, HypervisorDomain> domains = new LinkedHashMap<>();
    public final List<String> definedXml = new ArrayList<>();
    public final AtomicInteger starts = new AtomicInteger();
    public final AtomicInteger destroys = new AtomicInteger();
    public final AtomicInteger undefines = new AtomicInteger();
    public final AtomicInteger connectAttempts = new AtomicInteger();
    public final AtomicInteger shutdowns = new AtomicInteger();
    public final AtomicInteger migrations = new AtomicInteger();
    public final AtomicInteger aborts = new AtomicInteger();
    public final Map<String, Boolean> autostart = new LinkedHashMap<>();
    /** Whether the guest obeys a shutdown request. */
    public volatile boolean guestObeysShutdown = true;
    /** When set, a migration blocks until aborted, reporting this progress. */
    public volatile Integer migrationStuckAt;
    private volatile boolean migrationAborted;
    public volatile int failConnects;
    public volatile boolean connected;
    public volatile String defineFailure;
    private final List<Consumer<DomainLifecycleChange>> listeners = new ArrayList<>();

    @Override
    public void connect() {
        connectAttempts.incrementAndGet();
        if (failConnects > 0) {
            failConnects--;
            throw new HypervisorException("cannot connect to libvirt at fake:///: Connection refused");
        }
        connected = true;
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public String uri() {
        return "fake:///";
    }

    @Override
    public ConnectionType connectionType() {
        return ConnectionType.OTHER;
    }

    @Override
    public DomainType domainType() {
        return DomainType.TEST;
    }

    @Override
    public synchronized List<HypervisorDomain> listDomains() {
        return List.copyOf(domains.values());
    }

    @Override
    public synchronized Optional<HypervisorDomain> findDomain(String uuid) {
        requireConnected();
        return Optional.ofNullable(domains.get(uuid));
    }

    @Override
    public synchronized String define(String domainXml) {
        requireConnected();
        if (defineFailure != null) {
            throw new HypervisorException(defineFailure);
        }
        definedXml.add(domainXml);
        String uuid = group(UUID, domainXml);
        HypervisorDomain existing = domains.get(uuid);
        java.util.regex.Matcher policy = Pattern.compile("<kvmha:ha-policy>([A-Z_]+)<").matcher(domainXml);
        domains.put(uuid, new HypervisorDomain(uuid, group(NAME, domainXml),
                existing == null ? DomainState.SHUTOFF : existing.state(),
                policy.find() ? io.kvmha.contracts.event.HaPolicy.valueOf(policy.group(1)) : null));
        return uuid;
    }

    @Override
    public synchronized void start(String uuid) {
        HypervisorDomain d = require(uuid);
        if (d.isActive()) {
            throw new HypervisorException("Requested operation is not valid: domain is already running");
        }
        starts.incrementAndGet();
        domains.put(uuid, d.withState(DomainState.RUNNING));
    }

    @Override
    public synchronized void destroy(String uuid) {
        HypervisorDomain d = require(uuid);
        destroys.incrementAndGet();
        domains.put(uuid, d.withState(DomainState.SHUTOFF));
    }

    @Override
    public synchronized void undefine(String uuid) {
        require(uuid);
        undefines.incrementAndGet();
        domains.remove(uuid);
    }

    @Override
    public synchronized void shutdown(String uuid) {
        HypervisorDomain d = require(uuid);
        shutdowns.incrementAndGet();
        if (guestObeysShutdown) {
            domains.put(uuid, d.withState(DomainState.SHUTOFF));
        }
    }

    @Override
    public synchronized void setAutostart(String uuid, boolean on) {
        require(uuid);
        autostart.put(uuid, on);
    }

    @Override
    public synchronized boolean autostart(String uuid) {
        require(uuid);
        return autostart.getOrDefault(uuid, false);
    }

    @Override
    public void migrate(String uuid, String targetUri, long bandwidthMiBps, long maxDowntimeMs) {
        synchronized (this) {
            require(uuid);
            migrations.incrementAndGet();
        }
        if (migrationStuckAt != null) {
            while (!migrationAborted) {
                Thread.onSpinWait();
            }
            throw new HypervisorException("operation aborted: migration out job: canceled by client");
        }
        synchronized (this) {
            domains.remove(uuid);
        }
    }

    @Override
    public java.util.OptionalInt migrationProgress(String uuid) {
        Integer p = migrationStuckAt;
        return p == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(p);
    }

    @Override
    public void abortMigration(String uuid) {
        aborts.incrementAndGet();
        migrationAborted = true;
    }

    @Override
    public synchronized Optional<DomainStats> stats(String uuid) {
        HypervisorDomain d = domains.get(uuid);
        if (d == null) {
            return Optional.empty();
        }
        return Optional.of(new DomainStats(uuid, d.name(), d.state(), 2_500_000_000L, 2, 65536, 65536,
                Map.of("actual", 65536L, "rss", 30000L),
                Map.of("vda", new DomainStats.BlockCounters(1, 512, 2, 1024, 0)),
                Map.of("vnet0", new DomainStats.InterfaceCounters(100, 1, 0, 0, 200, 2, 0, 0))));
    }

    public synchronized void put(String uuid, String name, DomainState state) {
        domains.put(uuid, new HypervisorDomain(uuid, name, state));
    }

    @Override
    public HostDescription describeHost() {
        return new HostDescription(null, "fake", 4, 8L << 30, List.of(), "FAKE", "9.0.0", "9.0.0");
    }

    @Override
    public void addLifecycleListener(Consumer<DomainLifecycleChange> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        connected = false;
    }

    private void requireConnected() {
        if (!connected) {
            throw new HypervisorException("not connected to libvirt at fake:///");
        }
    }

    private HypervisorDomain require(String uuid) {
        requireConnected();
        HypervisorDomain d = domains.get(uuid);
        if (d == null) {
            throw new HypervisorException("Domain not found: no domain with matching uuid '" + uuid + "'");
        }
        return d;
    }

    private static String group(Pattern pattern, String xml) {
        Matcher m = pattern.matcher(xml);
        if (!m.find()) {
            throw new HypervisorException("XML error: missing " + pattern.pattern());
        }
        return m.group(1);
    }
}
