package io.kvmha.agent.libvirt;

import io.kvmha.agent.core.ConnectionType;
import io.kvmha.agent.core.DomainLifecycleChange;
import io.kvmha.agent.core.DomainStats;
import io.kvmha.agent.core.DomainType;
import io.kvmha.agent.core.HostDescription;
import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.HypervisorException;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.VmLifecycleEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainBlockStats;
import org.libvirt.DomainInfo;
import org.libvirt.DomainInterfaceStats;
import org.libvirt.DomainJobInfo;
import org.libvirt.MemoryStatistic;
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
    // virDomainMigrateFlags: LIVE | PEER2PEER | PERSIST_DEST | UNDEFINE_SOURCE
    static final long MIGRATE_FLAGS = 1 | 2 | 8 | 16;
    private static final Pattern HA_POLICY = Pattern.compile("<(?:\\w+:)?ha-policy>\\s*([A-Z_]+)\\s*</");
    static final Pattern DISK_TARGET = Pattern.compile("<disk\\b.*?</disk>", Pattern.DOTALL);
    static final Pattern INTERFACE_TARGET = Pattern.compile("<interface\\b.*?</interface>", Pattern.DOTALL);
    private static final Pattern TARGET_DEV = Pattern.compile("<target\\s+dev=['\"]([^'\"]+)['\"]");
    private static final String[] MEMORY_TAGS = {"swap_in", "swap_out", "major_fault", "minor_fault", "unused",
            "available", "actual", "rss", "usable", "last_update", "disk_caches", "hugetlb_pgalloc", "hugetlb_pgfail"};

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
    // HA policy from each domain's metadata; read once per definition (the XML is costly to fetch every 500 ms).
    private final Map<String, Optional<HaPolicy>> haPolicies = new ConcurrentHashMap<>();
    // Block and interface target devices of each running domain, for stats; dropped on every lifecycle change.
    private final Map<String, List<List<String>>> devices = new ConcurrentHashMap<>();

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
        return withConnection("look up domain " + uuid,
                c -> onDomain(() -> c.domainLookupByUUIDString(uuid), this::describe));
    }

    @Override
    public String define(String domainXml) {
        return withConnection("define domain", c -> {
            Domain domain = c.domainDefineXML(domainXml);
            try {
                haPolicies.remove(domain.getUUIDString());
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
    public void shutdown(String uuid) {
        onDomain(uuid, "shut down", Domain::shutdown);
    }

    @Override
    public void setAutostart(String uuid, boolean autostart) {
        onDomain(uuid, "set autostart of", d -> d.setAutostart(autostart));
    }

    @Override
    public boolean autostart(String uuid) {
        return withConnection("read autostart of domain " + uuid, c -> {
            Domain domain = c.domainLookupByUUIDString(uuid);
            try {
                return domain.getAutostart();
            } finally {
                free(domain);
            }
        });
    }

    @Override
    public void migrate(String uuid, String targetUri, long bandwidthMiBps, long maxDowntimeMs) {
        onDomain(uuid, "migrate", d -> {
            if (maxDowntimeMs > 0) {
                d.migrateSetMaxDowntime(maxDowntimeMs);
            }
            log.info("host={} vm={} live migration to {} (peer-to-peer, persistent, undefine source, bandwidth {} MiB/s, max downtime {} ms)",
                    hostId, uuid, targetUri, bandwidthMiBps, maxDowntimeMs);
            d.migrateToURI(targetUri, MIGRATE_FLAGS, null, Math.max(0, bandwidthMiBps));
        });
    }

    @Override
    public OptionalInt migrationProgress(String uuid) {
        try {
            return withConnection("read job of domain " + uuid, c -> {
                Domain domain = c.domainLookupByUUIDString(uuid);
                try {
                    DomainJobInfo job = domain.getJobInfo();
                    if (job == null || job.getType() == 0) {
                        return OptionalInt.empty();
                    }
                    return OptionalInt.of(percent(job));
                } finally {
                    free(domain);
                }
            });
        } catch (HypervisorException e) {
            return OptionalInt.empty(); // the job ended (or the domain left) between two polls
        }
    }

    static int percent(DomainJobInfo job) {
        long total = job.getDataTotal() > 0 ? job.getDataTotal() : job.getMemTotal();
        long processed = job.getDataTotal() > 0 ? job.getDataProcessed() : job.getMemProcessed();
        if (total <= 0) {
            return 0;
        }
        return (int) Math.max(0, Math.min(99, processed * 100 / total));
    }

    @Override
    public void abortMigration(String uuid) {
        onDomain(uuid, "abort job of", Domain::abortJob);
    }

    @Override
    public Optional<DomainStats> stats(String uuid) {
        return withConnection("read stats of domain " + uuid,
                c -> onDomain(() -> c.domainLookupByUUIDString(uuid), this::stats));
    }

    private DomainStats stats(Domain domain) throws LibvirtException {
        DomainInfo info = domain.getInfo();
        DomainState state = state(info);
        Map<String, Long> balloon = new LinkedHashMap<>();
        Map<String, DomainStats.BlockCounters> blocks = new LinkedHashMap<>();
        Map<String, DomainStats.InterfaceCounters> interfaces = new LinkedHashMap<>();
        if (state.isActive()) {
            try {
                for (MemoryStatistic stat : domain.memoryStats(MEMORY_TAGS.length)) {
                    if (stat.getTag() >= 0 && stat.getTag() < MEMORY_TAGS.length) {
                        balloon.put(MEMORY_TAGS[stat.getTag()], stat.getValue());
                    }
                }
            } catch (LibvirtException e) {
                log.debug("host={} no memory stats: {}", hostId, message(e));
            }
            String uuid = domain.getUUIDString();
            List<List<String>> targets = devices.get(uuid);
            if (targets == null) {
                String xml = domain.getXMLDesc(0);
                targets = List.of(targets(DISK_TARGET, xml), targets(INTERFACE_TARGET, xml));
                devices.put(uuid, targets);
            }
            for (String dev : targets.get(0)) {
                DomainBlockStats b = domain.blockStats(dev);
                blocks.put(dev, new DomainStats.BlockCounters(b.rd_req, b.rd_bytes, b.wr_req, b.wr_bytes, b.errs));
            }
            for (String dev : targets.get(1)) {
                DomainInterfaceStats i = domain.interfaceStats(dev);
                interfaces.put(dev, new DomainStats.InterfaceCounters(i.rx_bytes, i.rx_packets, i.rx_errs, i.rx_drop,
                        i.tx_bytes, i.tx_packets, i.tx_errs, i.tx_drop));
            }
        }
        return new DomainStats(domain.getUUIDString(), domain.getName(), state, info.cpuTime, info.nrVirtCpu,
                info.maxMem, info.memory, balloon, blocks, interfaces);
    }

    /** Target device names of the {@code <disk>} or {@code <interface>} elements of a domain's XML. */
    static List<String> targets(Pattern element, String xml) {
        List<String> found = new ArrayList<>();
        Matcher block = element.matcher(xml);
        while (block.find()) {
            Matcher target = TARGET_DEV.matcher(block.group());
            if (target.find()) {
                found.add(target.group(1));
            }
        }
        return found;
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
            mapped.filter(m -> m.kind() == VmLifecycleEvent.Kind.DEFINED || m.kind() == VmLifecycleEvent.Kind.UNDEFINED)
                    .ifPresent(m -> haPolicies.remove(uuid));
            devices.remove(uuid);
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

    @FunctionalInterface
    private interface DomainRead<T> {
        T read(Domain domain) throws LibvirtException;
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
        return onDomain(lookup, this::describe);
    }

    /**
     * Looks a domain up and reads it; a domain that does not exist, or vanishes while being read (it may
     * be undefined concurrently), is simply absent. The handle is always freed.
     */
    private <T> Optional<T> onDomain(DomainLookup lookup, DomainRead<T> read) throws LibvirtException {
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
            return Optional.of(read.read(domain));
        } catch (LibvirtException e) {
            if (isNoDomain(e)) {
                return Optional.empty();
            }
            throw e;
        } finally {
            free(domain);
        }
    }

    private HypervisorDomain describe(Domain domain) throws LibvirtException {
        String uuid = domain.getUUIDString();
        Optional<HaPolicy> policy = haPolicies.get(uuid);
        if (policy == null) {
            policy = haPolicy(domain.getXMLDesc(0));
            haPolicies.put(uuid, policy);
        }
        DomainState state;
        try {
            state = state(domain.getInfo());
        } catch (ArrayIndexOutOfBoundsException e) {
            // libvirt-java 0.5.2 knows states 0..6 only; 7 is VIR_DOMAIN_PMSUSPENDED.
            state = DomainState.PMSUSPENDED;
        }
        return new HypervisorDomain(uuid, domain.getName(), state, policy.orElse(null));
    }

    static Optional<HaPolicy> haPolicy(String domainXml) {
        Matcher m = HA_POLICY.matcher(domainXml);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HaPolicy.valueOf(m.group(1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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
