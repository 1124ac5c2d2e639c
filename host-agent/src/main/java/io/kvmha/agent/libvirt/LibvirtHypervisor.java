package io.kvmha.agent.libvirt;

import io.kvmha.agent.core.ConnectionType;
import io.kvmha.agent.core.DomainLifecycleChange;
import io.kvmha.agent.core.DomainType;
import io.kvmha.agent.core.HostDescription;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.HypervisorException;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HostInventory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.libvirt.event.ConnectionCloseListener;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Hypervisor} over libvirt-java (JNA): one read-write connection per agent.
 *
 * <p>Rules this class keeps:
 * <ul>
 *   <li>The process-wide event loop runs before the first connection opens ({@link LibvirtEventLoop}).</li>
 *   <li>Event callbacks only copy the domain's UUID and name (local calls) and hand off to this
 *       hypervisor's own single event thread; they never block the loop, which all agents share.</li>
 *   <li>Every {@link Domain} handle is freed as soon as it is used, and callbacks are deregistered
 *       before closing: a leaked handle keeps the connection (and, on the test driver, the simulated
 *       host's domains) alive after {@link #close()}.</li>
 *   <li>Calls share a read lock; connecting and closing take the write lock, so no call ever uses a
 *       freed connection.</li>
 * </ul>
 */
public final class LibvirtHypervisor implements Hypervisor {

    private static final Logger log = LoggerFactory.getLogger(LibvirtHypervisor.class);
    // libvirt keepalive for remote connections: a silent libvirtd is noticed after about interval x count.
    private static final int KEEPALIVE_INTERVAL_S = 2;
    private static final int KEEPALIVE_COUNT = 3;

    private final String uri;
    private final String hostId;
    private final ConnectionType connectionType;
    private final DomainType domainType;
    private final ExecutorService events;
    private final List<Consumer<DomainLifecycleChange>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    // Kept as fields so the JNA callbacks stay strongly reachable while registered.
    private final LifecycleListener lifecycleCallback = this::onLifecycle;
    private final ConnectionCloseListener closeCallback = this::onClose;

    private Connect connection;
    private volatile boolean alive;
    private volatile boolean closed;
    private volatile int referencesLeftAtClose;

    public LibvirtHypervisor(String uri, String hostId) {
        this.uri = uri;
        this.hostId = hostId;
        this.connectionType = ConnectionType.ofUri(uri);
        this.domainType = decideDomainType(connectionType, KvmDevice.usable(KvmDevice.DEFAULT));
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "libvirt-events-" + hostId);
            t.setDaemon(true);
            return t;
        });
        log.info("host={} libvirt uri={} connection={} guests will be <domain type='{}'>{}", hostId, uri,
                connectionType, domainType.xmlName(),
                connectionType == ConnectionType.QEMU
                        ? (domainType == DomainType.KVM ? " (/dev/kvm usable)" : " (/dev/kvm missing or refused: TCG emulation)")
                        : "");
    }

    static DomainType decideDomainType(ConnectionType type, boolean kvmUsable) {
        return switch (type) {
            case TEST -> DomainType.TEST;
            case QEMU, OTHER -> kvmUsable ? DomainType.KVM : DomainType.QEMU;
        };
    }

    @Override
    public void connect() {
        lock.writeLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("hypervisor connection of host " + hostId + " was closed for good");
            }
            if (connection != null && alive) {
                return;
            }
            releaseConnection();
            Connect opened = null;
            try {
                LibvirtEventLoop.ensureRunning();
                opened = new Connect(uri, false);
                opened.addLifecycleListener(lifecycleCallback);
                registerCloseListener(opened);
                if (connectionType != ConnectionType.TEST) {
                    opened.setKeepAlive(KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT);
                }
                connection = opened;
                alive = true;
                log.info("host={} connected to libvirt uri={} ({} {})", hostId, uri, opened.getType(),
                        LibvirtVersions.format(opened.getLibVersion()));
            } catch (LibvirtException e) {
                if (opened != null) {
                    closeQuietly(opened);
                }
                throw new HypervisorException("cannot connect to libvirt at " + uri + ": " + message(e), e);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void registerCloseListener(Connect opened) {
        try {
            opened.registerCloseListener(closeCallback);
        } catch (LibvirtException e) {
            // Drivers without a remote side (the test driver) never close by themselves.
            log.debug("host={} close callback not supported by {}: {}", hostId, uri, message(e));
        }
    }

    @Override
    public boolean isConnected() {
        if (!alive) {
            return false;
        }
        if (!lock.readLock().tryLock()) {
            return alive; // connecting or closing right now; do not wait
        }
        try {
            return connection != null && connection.isAlive();
        } catch (LibvirtException e) {
            return false;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public ConnectionType connectionType() {
        return connectionType;
    }

    @Override
    public DomainType domainType() {
        return domainType;
    }

    @Override
    public List<HypervisorDomain> listDomains() {
        return withConnection("list domains", c -> {
            List<HypervisorDomain> domains = new ArrayList<>();
            for (int id : c.listDomains()) {
                lookup(() -> c.domainLookupByID(id)).ifPresent(domains::add);
            }
            for (String name : c.listDefinedDomains()) {
                lookup(() -> c.domainLookupByName(name)).ifPresent(domains::add);
            }
            return domains;
        });
    }

    @Override
    public Optional<HypervisorDomain> findDomain(String uuid) {
        return withConnection("look up domain " + uuid, c -> {
            Domain domain;
            try {
                domain = c.domainLookupByUUIDString(uuid);
            } catch (LibvirtException e) {
                if (isNoDomain(e)) {
                    return Optional.empty();
                }
                throw e;
            }
            try {
                return Optional.of(describe(domain));
            } finally {
                free(domain);
            }
        });
    }

    @Override
    public String define(String domainXml) {
        return withConnection("define domain", c -> {
            Domain domain = c.domainDefineXML(domainXml);
            try {
                return domain.getUUIDString();
            } finally {
                free(domain);
            }
        });
    }

    @Override
    public void start(String uuid) {
        onDomain(uuid, "start", Domain::create);
    }

    @Override
    public void destroy(String uuid) {
        onDomain(uuid, "destroy", Domain::destroy);
    }

    @Override
    public void undefine(String uuid) {
        onDomain(uuid, "undefine", Domain::undefine);
    }

    @Override
    public HostDescription describeHost() {
        return withConnection("describe host", c -> {
            NodeInfo node = c.nodeInfo();
            CapabilitiesParser.HostCapabilities caps = CapabilitiesParser.parse(c.getCapabilities());
            List<HostInventory.NumaCell> cells = new ArrayList<>();
            for (HostInventory.NumaCell cell : caps.cells()) {
                cells.add(new HostInventory.NumaCell(cell.id(), cell.memoryBytes(), freeMemory(c, cell.id()),
                        cell.cpus(), cell.hugepages()));
            }
            String model = caps.cpuModel() != null ? caps.cpuModel() : node.model;
            return new HostDescription(caps.hostUuid(), model, node.cpus, node.memory * 1024, cells, c.getType(),
                    LibvirtVersions.format(c.getLibVersion()), LibvirtVersions.format(c.getVersion()));
        });
    }

    private static long freeMemory(Connect c, int cell) {
        try {
            return c.getCellsFreeMemory(cell, 1);
        } catch (LibvirtException e) {
            return 0;
        }
    }

    @Override
    public void addLifecycleListener(Consumer<DomainLifecycleChange> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            releaseConnection();
        } finally {
            lock.writeLock().unlock();
        }
        events.shutdown();
        log.info("host={} libvirt connection closed uri={}", hostId, uri);
    }

    /** Deregisters callbacks and closes the current connection, if any. Caller holds the write lock. */
    private void releaseConnection() {
        Connect c = connection;
        connection = null;
        alive = false;
        if (c == null) {
            return;
        }
        try {
            c.removeLifecycleListener(lifecycleCallback);
        } catch (LibvirtException | RuntimeException e) {
            log.debug("host={} could not deregister lifecycle callback: {}", hostId, e.getMessage());
        }
        try {
            c.unregisterCloseListener();
        } catch (LibvirtException | RuntimeException e) {
            log.debug("host={} could not deregister close callback: {}", hostId, e.getMessage());
        }
        closeQuietly(c);
    }

    private void closeQuietly(Connect c) {
        try {
            int references = c.close();
            referencesLeftAtClose = references;
            if (references > 0) {
                // Normal for a moment while libvirt dispatches queued events; released right after.
                log.debug("host={} libvirt connection {} still has {} references after close", hostId, uri, references);
            }
        } catch (LibvirtException e) {
            log.debug("host={} closing {} failed: {}", hostId, uri, message(e));
        }
    }

    /** References libvirt still held on the last connection closed; 0 means it was really released. */
    int referencesLeftAtClose() {
        return referencesLeftAtClose;
    }

    private int onLifecycle(Domain domain, DomainEvent event) {
        // On the shared event-loop thread: copy what is needed (local calls), then hand off.
        try {
            String uuid = domain.getUUIDString();
            String name = domain.getName();
            Optional<LifecycleEventMapping.Mapped> mapped = LifecycleEventMapping.map(event);
            mapped.ifPresent(m -> events.execute(() -> deliver(new DomainLifecycleChange(uuid, name, m.kind(), m.reason()))));
        } catch (LibvirtException | RuntimeException e) {
            log.warn("host={} unreadable lifecycle event {}: {}", hostId, event, e.getMessage());
        } finally {
            free(domain);
        }
        return 0;
    }

    private void deliver(DomainLifecycleChange change) {
        for (Consumer<DomainLifecycleChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                log.warn("host={} lifecycle listener failed for vm={} {}: {}", hostId, change.uuid(), change.kind(), e.toString());
            }
        }
    }

    private void onClose(Connect closedConnection, org.libvirt.event.ConnectionCloseReason reason) {
        alive = false;
        events.execute(() -> log.warn("host={} libvirt connection to {} lost: {}", hostId, uri, reason));
    }

    @FunctionalInterface
    private interface LibvirtCall<T> {
        T call(Connect connection) throws LibvirtException;
    }

    @FunctionalInterface
    private interface DomainAction {
        void apply(Domain domain) throws LibvirtException;
    }

    @FunctionalInterface
    private interface DomainLookup {
        Domain find() throws LibvirtException;
    }

    private <T> T withConnection(String what, LibvirtCall<T> call) {
        lock.readLock().lock();
        try {
            Connect c = connection;
            if (c == null || !alive) {
                throw new HypervisorException("not connected to libvirt at " + uri + " (cannot " + what + ")");
            }
            return call.call(c);
        } catch (LibvirtException e) {
            throw new HypervisorException(message(e), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void onDomain(String uuid, String what, DomainAction action) {
        withConnection(what + " domain " + uuid, c -> {
            Domain domain = c.domainLookupByUUIDString(uuid);
            try {
                action.apply(domain);
                return null;
            } finally {
                free(domain);
            }
        });
    }

    /** Describes a domain found by id or name; empty when it vanished in between. */
    private Optional<HypervisorDomain> lookup(DomainLookup lookup) throws LibvirtException {
        Domain domain;
        try {
            domain = lookup.find();
        } catch (LibvirtException e) {
            if (isNoDomain(e)) {
                return Optional.empty();
            }
            throw e;
        }
        try {
            return Optional.of(describe(domain));
        } catch (LibvirtException e) {
            if (isNoDomain(e)) {
                return Optional.empty();
            }
            throw e;
        } finally {
            free(domain);
        }
    }

    private static HypervisorDomain describe(Domain domain) throws LibvirtException {
        DomainState state;
        try {
            state = state(domain.getInfo());
        } catch (ArrayIndexOutOfBoundsException e) {
            // libvirt-java 0.5.2 knows states 0..6 only; 7 is VIR_DOMAIN_PMSUSPENDED.
            state = DomainState.PMSUSPENDED;
        }
        return new HypervisorDomain(domain.getUUIDString(), domain.getName(), state);
    }

    static DomainState state(DomainInfo info) {
        if (info == null || info.state == null) {
            return DomainState.NOSTATE;
        }
        return switch (info.state) {
            case VIR_DOMAIN_NOSTATE -> DomainState.NOSTATE;
            case VIR_DOMAIN_RUNNING -> DomainState.RUNNING;
            case VIR_DOMAIN_BLOCKED -> DomainState.BLOCKED;
            case VIR_DOMAIN_PAUSED -> DomainState.PAUSED;
            case VIR_DOMAIN_SHUTDOWN -> DomainState.SHUTDOWN;
            case VIR_DOMAIN_SHUTOFF -> DomainState.SHUTOFF;
            case VIR_DOMAIN_CRASHED -> DomainState.CRASHED;
        };
    }

    private static boolean isNoDomain(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == Error.ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    private void free(Domain domain) {
        if (domain == null) {
            return;
        }
        try {
            domain.free();
        } catch (LibvirtException e) {
            log.debug("host={} freeing a domain handle failed: {}", hostId, message(e));
        }
    }

    static String message(LibvirtException e) {
        Error error = e.getError();
        String message = error != null ? error.getMessage() : null;
        return message != null ? message : String.valueOf(e.getMessage());
    }
}
