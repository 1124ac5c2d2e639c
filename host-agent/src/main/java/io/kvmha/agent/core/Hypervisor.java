package io.kvmha.agent.core;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one host hypervisor the agent speaks for. Everything else in the agent goes through this
 * interface, so decisions can be tested against a fake and the libvirt binding stays in one place.
 * Operations throw {@link HypervisorException} carrying the hypervisor's own message.
 */
public interface Hypervisor extends AutoCloseable {

    /** Opens (or re-opens, after a loss) the connection. Safe to call again when connected. */
    void connect();

    /** Whether the connection is open and alive; never blocks on the hypervisor. */
    boolean isConnected();

    /** The connection URI, for logs and the inventory. */
    String uri();

    ConnectionType connectionType();

    /** The domain type new guests get on this hypervisor (decided at run time for QEMU). */
    DomainType domainType();

    /** Every domain the hypervisor knows, active or only defined. */
    List<HypervisorDomain> listDomains();

    /** The domain with this UUID, if defined or running. */
    Optional<HypervisorDomain> findDomain(String uuid);

    /** Defines (or redefines) a persistent domain from XML and returns its UUID. */
    String define(String domainXml);

    void start(String uuid);

    /** Hard power-off, like pulling the plug: the guest gets no chance to shut down. */
    void destroy(String uuid);

    void undefine(String uuid);

    /** Asks the guest to shut down (ACPI power button); returns at once, the guest may ignore it. */
    void shutdown(String uuid);

    void setAutostart(String uuid, boolean autostart);

    boolean autostart(String uuid);

    /**
     * Live-migrates the domain to the hypervisor at {@code targetUri}, peer-to-peer (the source
     * hypervisor connects to the target itself), persistent on the target, undefined on the source.
     * Blocks until the migration ends; {@link #migrationProgress} and {@link #abortMigration} may be
     * called from another thread meanwhile.
     *
     * @param bandwidthMiBps limit, 0 for the hypervisor's default
     * @param maxDowntimeMs  longest guest pause at switch-over, 0 for the hypervisor's default
     */
    void migrate(String uuid, String targetUri, long bandwidthMiBps, long maxDowntimeMs);

    /** How far the domain's running job (a migration) is, 0-100; empty when no job runs. */
    java.util.OptionalInt migrationProgress(String uuid);

    /** Aborts the domain's running job (a migration); the domain keeps running here. */
    void abortMigration(String uuid);

    /** Resource counters of one domain, for metric samples; empty when it vanished. */
    Optional<DomainStats> stats(String uuid);

    /** What the host is: CPUs, memory, NUMA cells, versions. */
    HostDescription describeHost();

    /**
     * Subscribes to domain lifecycle changes. Listeners are called off the hypervisor's event
     * thread, in the order the hypervisor reported the changes.
     */
    void addLifecycleListener(Consumer<DomainLifecycleChange> listener);

    /** Closes the connection. On the libvirt test driver this discards the host's domains. */
    @Override
    void close();
}
