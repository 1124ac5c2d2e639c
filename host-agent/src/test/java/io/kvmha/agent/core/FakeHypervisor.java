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
        domains.put(uuid, new HypervisorDomain(uuid, group(NAME, domainXml),
                existing == null ? DomainState.SHUTOFF : existing.state()));
        return uuid;
    }

    @Override
    public synchronized void start(String uuid) {
        HypervisorDomain d = require(uuid);
        if (d.isActive()) {
            throw new HypervisorException("Requested operation is not valid: domain is already running");
        }
        starts.incrementAndGet();
        domains.put(uuid, new HypervisorDomain(uuid, d.name(), DomainState.RUNNING));
    }

    @Override
    public synchronized void destroy(String uuid) {
        HypervisorDomain d = require(uuid);
        destroys.incrementAndGet();
        domains.put(uuid, new HypervisorDomain(uuid, d.name(), DomainState.SHUTOFF));
    }

    @Override
    public synchronized void undefine(String uuid) {
        require(uuid);
        undefines.incrementAndGet();
        domains.remove(uuid);
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
