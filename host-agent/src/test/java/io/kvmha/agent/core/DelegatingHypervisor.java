package io.kvmha.agent.core;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Forwards every call; tests override what they want to observe or slow down. */
public class DelegatingHypervisor implements Hypervisor {

    private final Hypervisor delegate;

    public DelegatingHypervisor(Hypervisor delegate) {
        this.delegate = delegate;
    }

    @Override public void connect() { delegate.connect(); }
    @Override public boolean isConnected() { return delegate.isConnected(); }
    @Override public String uri() { return delegate.uri(); }
    @Override public ConnectionType connectionType() { return delegate.connectionType(); }
    @Override public DomainType domainType() { return delegate.domainType(); }
    @Override public List<HypervisorDomain> listDomains() { return delegate.listDomains(); }
    @Override public Optional<HypervisorDomain> findDomain(String uuid) { return delegate.findDomain(uuid); }
    @Override public String define(String domainXml) { return delegate.define(domainXml); }
    @Override public void start(String uuid) { delegate.start(uuid); }
    @Override public void destroy(String uuid) { delegate.destroy(uuid); }
    @Override public void undefine(String uuid) { delegate.undefine(uuid); }
    @Override public HostDescription describeHost() { return delegate.describeHost(); }
    @Override public void addLifecycleListener(Consumer<DomainLifecycleChange> listener) { delegate.addLifecycleListener(listener); }
    @Override public void shutdown(String uuid) { delegate.shutdown(uuid); }
    @Override public void setAutostart(String uuid, boolean autostart) { delegate.setAutostart(uuid, autostart); }
    @Override public boolean autostart(String uuid) { return delegate.autostart(uuid); }
    @Override public void migrate(String uuid, String targetUri, long bandwidthMiBps, long maxDowntimeMs) {
        delegate.migrate(uuid, targetUri, bandwidthMiBps, maxDowntimeMs);
    }
    @Override public java.util.OptionalInt migrationProgress(String uuid) { return delegate.migrationProgress(uuid); }
    @Override public void abortMigration(String uuid) { delegate.abortMigration(uuid); }
    @Override public Optional<DomainStats> stats(String uuid) { return delegate.stats(uuid); }
    @Override public void close() { delegate.close(); }
}
