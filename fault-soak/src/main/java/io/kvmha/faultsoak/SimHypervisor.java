package io.kvmha.faultsoak;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One simulated host's hypervisor: persistent domains that survive a power loss as SHUTOFF definitions, a libvirtd
 * that can be down (every call then fails, the guests keep running), and a record of which command execution
 * changed what, so a command that changes the hypervisor twice is caught.
 */
public final class SimHypervisor implements Hypervisor {

    private static final Pattern UUID = Pattern.compile("<uuid>([^<]+)</uuid>");
    private static final Pattern NAME = Pattern.compile("<name>([^<]+)</name>");
    private static final Pattern POLICY = Pattern.compile("<kvmha:ha-policy>([A-Z_]+)<");

    private final String hostId;
    private final History history;
    private final Map<String, HypervisorDomain> domains = new TreeMap<>();
    private boolean libvirtdUp = true;
    private String executingCommand;
    private long execution;

    SimHypervisor(String hostId, History history) {
        this.hostId = hostId;
        this.history = history;
    }

    /** Hypervisor changes until {@link #endCommand()} belong to this execution of this command. */
    void beginCommand(String commandId, long executionId) {
        this.executingCommand = commandId;
        this.execution = executionId;
    }

    void endCommand() {
        this.executingCommand = null;
    }

    void libvirtd(boolean up) {
        this.libvirtdUp = up;
    }

    /** The power is gone: every guest stops; definitions stay on disk. */
    void powerLost() {
        for (HypervisorDomain d : List.copyOf(domains.values())) {
            if (d.isActive()) {
                put(d.withState(DomainState.SHUTOFF));
            }
        }
    }

    List<HypervisorDomain> domains() {
        return List.copyOf(domains.values());
    }

    private void put(HypervisorDomain domain) {
        HypervisorDomain before = domains.put(domain.uuid(), domain);
        boolean wasActive = before != null && before.isActive();
        if (wasActive != domain.isActive()) {
            history.domain(hostId, domain.uuid(), domain.isActive());
        }
    }

    private void changed(String what) {
        if (executingCommand != null) {
            history.executed(executingCommand, execution, what + " on " + hostId);
        }
    }

    private void requireConnected() {
        if (!libvirtdUp) {
            throw new HypervisorException("cannot connect to libvirt: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Connection refused");
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

    @Override
    public void connect() {
        requireConnected();
    }

    @Override
    public boolean isConnected() {
        return libvirtdUp;
    }

    @Override
    public String uri() {
        return "sim://" + hostId;
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
    public List<HypervisorDomain> listDomains() {
        requireConnected();
        return domains();
    }

    @Override
    public Optional<HypervisorDomain> findDomain(String uuid) {
        requireConnected();
        return Optional.ofNullable(domains.get(uuid));
    }

    @Override
    public String define(String domainXml) {
        requireConnected();
        String uuid = group(UUID, domainXml);
        HypervisorDomain existing = domains.get(uuid);
        Matcher policy = POLICY.matcher(domainXml);
        put(new HypervisorDomain(uuid, group(NAME, domainXml), existing == null ? DomainState.SHUTOFF : existing.state(),
                policy.find() ? HaPolicy.valueOf(policy.group(1)) : null));
        changed("define " + uuid);
        return uuid;
    }

    @Override
    public void start(String uuid) {
        HypervisorDomain d = require(uuid);
        if (d.isActive()) {
            throw new HypervisorException("Requested operation is not valid: domain is already running");
        }
        put(d.withState(DomainState.RUNNING));
        changed("start " + uuid);
    }

    @Override
    public void destroy(String uuid) {
        HypervisorDomain d = require(uuid);
        if (!d.isActive()) {
            throw new HypervisorException("Requested operation is not valid: domain is not running");
        }
        put(d.withState(DomainState.SHUTOFF));
        changed("destroy " + uuid);
    }

    @Override
    public void undefine(String uuid) {
        HypervisorDomain d = require(uuid);
        if (d.isActive()) {
            put(d.withState(DomainState.SHUTOFF)); // libvirt turns an active persistent domain transient; treat as gone
        }
        domains.remove(uuid);
        changed("undefine " + uuid);
    }

    @Override
    public void shutdown(String uuid) {
        HypervisorDomain d = require(uuid);
        if (d.isActive()) {
            put(d.withState(DomainState.SHUTOFF));
            changed("shutdown " + uuid);
        }
    }

    @Override
    public void setAutostart(String uuid, boolean autostart) {
        require(uuid);
    }

    @Override
    public boolean autostart(String uuid) {
        require(uuid);
        return false;
    }

    @Override
    public void migrate(String uuid, String targetUri, long bandwidthMiBps, long maxDowntimeMs) {
        throw new HypervisorException("live migration is not simulated");
    }

    @Override
    public OptionalInt migrationProgress(String uuid) {
        return OptionalInt.empty();
    }

    @Override
    public void abortMigration(String uuid) {
    }

    @Override
    public Optional<DomainStats> stats(String uuid) {
        return Optional.empty();
    }

    @Override
    public HostDescription describeHost() {
        return new HostDescription(null, "sim", 32, 0, List.of(), "TEST", "10.0.0", "10.0.0");
    }

    @Override
    public void addLifecycleListener(Consumer<DomainLifecycleChange> listener) {
    }

    @Override
    public void close() {
    }

    private static String group(Pattern pattern, String xml) {
        Matcher m = pattern.matcher(xml);
        if (!m.find()) {
            throw new HypervisorException("XML error: no " + pattern.pattern() + " in domain XML");
        }
        return m.group(1);
    }
}
