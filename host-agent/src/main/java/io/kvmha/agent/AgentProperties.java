package io.kvmha.agent;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the host agent ({@code kvmha.agent.*}).
 *
 * @param hostId                  the host this agent speaks for; required, unique in the cluster
 * @param libvirtUri              libvirt connection URI when not simulating (default {@code qemu:///system})
 * @param heartbeatInterval       time between heartbeats (default 500 ms)
 * @param heartbeatSendTimeout    how long one heartbeat may wait for the broker before it is dropped
 *                                (default 1 s); the next heartbeat supersedes it anyway
 * @param inventoryCheckInterval  how often the inventory is re-read and republished if it changed (default 30 s)
 * @param reconnectInitialBackoff first wait after a failed libvirt connection attempt (default 1 s)
 * @param reconnectMaxBackoff     longest wait between libvirt connection attempts (default 30 s)
 * @param connectionCheckInterval how often the libvirt connection is checked (default 1 s)
 * @param commandResultCacheSize  how many commands are remembered (in the command journal) to answer redelivered
 *                                commands with their first result (default 10000)
 * @param commandAttributionWindow how long after a command its lifecycle events name it (default 10 s)
 * @param labels                  free-form labels published with the inventory (rack, zone...)
 * @param simulation              simulated host on libvirt's test driver
 * @param selfFenceTimeout        CONTRACT: after this long without a heartbeat acknowledged by Kafka the agent
 *                                destroys its HA-protected VMs (default 10 s); the failover service relies on it
 * @param selfFenceEnabled        whether the agent fences itself at all (default true)
 * @param metricsInterval         time between metric sample batches (default 5 s)
 * @param domainRefreshInterval   safety-net period of the heartbeat's domain list; it is also refreshed right
 *                                after every lifecycle event and reconnection (default 2 s)
 * @param placementWait           how long DEFINE_AND_START waits for the placement generation it names to arrive
 *                                on {@code kvmha.placements}, for its NUMA claims (default 1 s); without it the
 *                                domain gets no NUMA tuning
 * @param migrationUri            the libvirt URI other hosts reach this host at for live migration, published in the
 *                                inventory (for example {@code qemu+tcp://10.0.0.12/system}); empty = not published,
 *                                and the failover service falls back to {@code qemu+tcp://<host id>/system}
 * @param guest                   boot image and serial log of disk-less guests (the testbed's); empty by default
 * @param commandParallelism      commands of different VMs executed at once (default 4): a failover's starts on this
 *                                host overlap instead of queueing; one VM's commands always run in order
 * @param stateDir                where the agent keeps its command journal ({@code <host id>.commands.journal}: every
 *                                command begun and its outcome, forced to disk, so a command redelivered after a
 *                                restart or power loss is never executed twice); default {@code /var/lib/kvmha-agent};
 *                                for a simulated host the directory of its host file ({@code simulation.dir}, or the
 *                                temporary one removed on shutdown: its domains do not outlive it either). Created
 *                                when missing; the agent does not start if it cannot write there
 */
@Validated
@ConfigurationProperties(prefix = "kvmha.agent")
public record AgentProperties(
        @NotBlank String hostId,
        @DefaultValue("qemu:///system") @NotBlank String libvirtUri,
        @DefaultValue("500ms") @NotNull Duration heartbeatInterval,
        @DefaultValue("1s") @NotNull Duration heartbeatSendTimeout,
        @DefaultValue("30s") @NotNull Duration inventoryCheckInterval,
        @DefaultValue("1s") @NotNull Duration reconnectInitialBackoff,
        @DefaultValue("30s") @NotNull Duration reconnectMaxBackoff,
        @DefaultValue("1s") @NotNull Duration connectionCheckInterval,
        @DefaultValue("10000") @Min(1) int commandResultCacheSize,
        @DefaultValue("10s") @NotNull Duration commandAttributionWindow,
        Map<String, String> labels,
        @DefaultValue @Valid @NotNull Simulation simulation,
        @DefaultValue("10s") @NotNull Duration selfFenceTimeout,
        @DefaultValue("true") boolean selfFenceEnabled,
        @DefaultValue("5s") @NotNull Duration metricsInterval,
        @DefaultValue("1s") @NotNull Duration placementWait,
        @DefaultValue("2s") @NotNull Duration domainRefreshInterval,
        String migrationUri,
        @DefaultValue @NotNull Guest guest,
        @DefaultValue("4") @Min(1) @Max(64) int commandParallelism,
        Path stateDir) {

    /** The state directory of a real host when none is configured. */
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/kvmha-agent");

    public AgentProperties {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * Disk-less guests booted from one image every host can read, for labs and the testbed.
     *
     * @param kernel       kernel image passed to every domain as {@code <kernel>}; empty = none
     * @param serialLogDir directory on storage every host shares; a VM's first serial port is appended to
     *                     {@code <dir>/<vm id>.log}; empty = no serial port
     */
    public record Guest(Path kernel, Path serialLogDir) {
    }

    /**
     * A simulated host: the agent writes a libvirt test-driver host file and connects to
     * {@code test:///<file>}; the NUMA topology comes from here, since the test driver reports none.
     *
     * @param enabled       simulate instead of connecting to {@code libvirtUri} (default false)
     * @param dir           where the host file is written (default: a new temporary directory)
     * @param numaCells     NUMA cells (default 2)
     * @param cpusPerCell   logical CPUs per cell (default 8)
     * @param memoryPerCell memory per cell, e.g. {@code 16GB} (binary units) or bytes (default 16 GiB)
     */
    public record Simulation(
            @DefaultValue("false") boolean enabled,
            Path dir,
            @DefaultValue("2") @Min(1) int numaCells,
            @DefaultValue("8") @Min(1) int cpusPerCell,
            @DefaultValue("16GB") @NotNull DataSize memoryPerCell) {
    }
}
