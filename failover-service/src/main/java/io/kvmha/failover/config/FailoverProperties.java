package io.kvmha.failover.config;

import io.kvmha.failover.core.DetectionThresholds;
import io.kvmha.failover.core.FencingPolicy;
import io.kvmha.failover.core.MassFailurePolicy;
import io.kvmha.failover.core.PhiThresholds;
import io.kvmha.failover.core.RecoveryPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the failover service ({@code kvmha.failover.*}).
 *
 * @param suspectAfter        heartbeat silence after which a host is SUSPECT at the latest (default 1 s); below downAfter
 * @param downAfter           heartbeat silence after which a host is DOWN at the latest (default 1.6 s: phi decides
 *                            earlier, ~1.55 s, on a regular heartbeat stream); heartbeats sent longer ago than
 *                            this are ignored as stale
 * @param tickInterval        how often the failure detector is evaluated (default 100 ms)
 * @param maxConcurrentStarts start commands in flight across the cluster (default 32)
 * @param maxStartsPerHost    start commands in flight per target host (default 4)
 * @param commandDeadline     validity of an issued command (default 60 s)
 * @param detector            {@code phi-accrual} (default: adaptive, suspectAfter/downAfter are ceilings) or {@code fixed}
 * @param phi                 phi-accrual settings
 * @param massFailure         the mass-failure guard
 * @param fencing             fencing drivers and the self-fence fallback
 * @param crashRestart        VM-level HA: restarts of a crashed VM on its host
 * @param planTimeout         an evacuation request without a plan after this long is sent again, same request id
 *                            (default 10 s)
 * @param planAttempts        evacuation requests sent before a critical {@code KvmHaEvacuationPlanMissing} alert
 *                            (default 3); the incident stays open
 * @param maxStartHosts       hosts a recovered VM's start is tried on (each failure re-placed by the scheduler,
 *                            excluding the hosts that failed) before a critical {@code KvmVmRecoveryFailed} (default 3)
 * @param startTimeout        a start command without a final result after this long counts as failed, and a drain move
 *                            not heard of for this long is FAILED (default 90 s;
 *                            must exceed command-deadline, after which agents refuse the command)
 * @param drain               how the scheduler's drains and migrations are carried out
 * @param tierWait            tier order across incidents: a VM starts only once no better-tier VM waits or is starting,
 *                            no incident younger than this lacks its plan and no host turned SUSPECT within it; a VM
 *                            whose plan is this old goes anyway (default 5 s; 0 = best tier first, no waiting)
 */
@Validated
@ConfigurationProperties(prefix = "kvmha.failover")
public record FailoverProperties(
        @DefaultValue("1s") @DurationMin(millis = 1) Duration suspectAfter,
        @DefaultValue("1600ms") @DurationMin(millis = 2) Duration downAfter,
        @DefaultValue("50ms") @DurationMin(millis = 1) Duration tickInterval,
        @DefaultValue("32") @Min(1) int maxConcurrentStarts,
        @DefaultValue("60s") @DurationMin(seconds = 1) Duration commandDeadline,
        @DefaultValue("4") @Min(1) int maxStartsPerHost,
        @DefaultValue("phi-accrual") @NotNull Detector detector,
        @DefaultValue @Valid Phi phi,
        @DefaultValue @Valid MassFailure massFailure,
        @DefaultValue @Valid Fencing fencing,
        @DefaultValue @Valid CrashRestart crashRestart,
        @DefaultValue("10s") @DurationMin(millis = 100) Duration planTimeout,
        @DefaultValue("3") @Min(1) int planAttempts,
        @DefaultValue("3") @Min(1) int maxStartHosts,
        @DefaultValue("90s") @DurationMin(seconds = 1) Duration startTimeout,
        @DefaultValue @Valid Drain drain,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 0) Duration tierWait) {

    @ConstructorBinding
    public FailoverProperties {
        if (suspectAfter != null && downAfter != null && downAfter.compareTo(suspectAfter) <= 0) {
            throw new IllegalArgumentException("kvmha.failover.down-after (" + downAfter
                    + ") must exceed kvmha.failover.suspect-after (" + suspectAfter + ")");
        }
        if (startTimeout != null && commandDeadline != null && startTimeout.compareTo(commandDeadline) <= 0) {
            throw new IllegalArgumentException("kvmha.failover.start-timeout (" + startTimeout
                    + ") must exceed kvmha.failover.command-deadline (" + commandDeadline + ")");
        }
    }

    /** The settings before plan timeouts, start retries and scheduler-driven drains, with their defaults. */
    public FailoverProperties(Duration suspectAfter, Duration downAfter, Duration tickInterval, int maxConcurrentStarts,
                              Duration commandDeadline, int maxStartsPerHost, Detector detector, Phi phi,
                              MassFailure massFailure, Fencing fencing, CrashRestart crashRestart) {
        this(suspectAfter, downAfter, tickInterval, maxConcurrentStarts, commandDeadline, maxStartsPerHost, detector, phi,
                massFailure, fencing, crashRestart, Duration.ofSeconds(10), 3, 3, commandDeadline.plusSeconds(30),
                Drain.DEFAULTS, RecoveryPolicy.DEFAULT_TIER_WAIT);
    }

    /** The walking-skeleton settings, with defaults for everything added since. */
    public FailoverProperties(Duration suspectAfter, Duration downAfter, Duration tickInterval, int maxConcurrentStarts,
                              Duration commandDeadline) {
        this(suspectAfter, downAfter, tickInterval, maxConcurrentStarts, commandDeadline, 4, Detector.PHI_ACCRUAL,
                Phi.DEFAULTS, MassFailure.DEFAULTS, Fencing.DEFAULTS, CrashRestart.DEFAULTS);
    }

    public DetectionThresholds thresholds() {
        return new DetectionThresholds(suspectAfter, downAfter);
    }

    public RecoveryPolicy recoveryPolicy() {
        return new RecoveryPolicy(maxConcurrentStarts, maxStartsPerHost, commandDeadline, RecoveryPolicy.SERVICE,
                planTimeout, planAttempts, maxStartHosts, startTimeout, tierWait);
    }

    public enum Detector { PHI_ACCRUAL, FIXED }

    /**
     * @param suspectPhi       phi at which a host is SUSPECT (default 3)
     * @param downPhi          phi at which a host is DOWN (default 8)
     * @param windowSize       inter-arrival times remembered per host (default 100)
     * @param minStdDev        floor of the learned standard deviation (default 100 ms)
     * @param acceptablePause  pause added to the mean interval at no cost (default 400 ms)
     * @param expectedInterval the agents' heartbeat interval, assumed until learned (default 500 ms)
     */
    public record Phi(
            @DefaultValue("3") @DecimalMin("0.1") double suspectPhi,
            @DefaultValue("8") @DecimalMin("0.2") double downPhi,
            @DefaultValue("100") @Min(2) int windowSize,
            @DefaultValue("100ms") @DurationMin(millis = 1) Duration minStdDev,
            @DefaultValue("400ms") @NotNull Duration acceptablePause,
            @DefaultValue("500ms") @DurationMin(millis = 1) Duration expectedInterval) {

        static final Phi DEFAULTS = new Phi(3, 8, 100, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(500));

        public PhiThresholds thresholds() {
            return new PhiThresholds(suspectPhi, downPhi, windowSize, minStdDev, acceptablePause, expectedInterval);
        }
    }

    /**
     * @param maxSilentShare share of hosts that may go silent within the window before nothing is fenced (default 0.3)
     * @param minSilentHosts fewest silent hosts that engage the guard (default 2): one dead host is always recovered
     * @param window         how recent a silence counts (default 60 s)
     * @param hold           a host judged dead stays SUSPECT this long before it is declared DOWN (default 100 ms), so
     *                       hosts failing a moment apart are judged together; adds this much to every recovery
     *                       (0 turns it off)
     * @param lateAfter      silence that makes a host late (default 700 ms): a held host waits (up to hold + late-after) while
     *                       counting the late hosts would engage the guard
     * @param quietPeriod    the guard disengages only after its condition has been false this long (default 10 s)
     */
    public record MassFailure(
            @DefaultValue("0.3") @DecimalMin("0.01") @DecimalMax("0.99") double maxSilentShare,
            @DefaultValue("2") @Min(1) int minSilentHosts,
            @DefaultValue("60s") @DurationMin(seconds = 1) Duration window,
            @DefaultValue("100ms") @NotNull @DurationMin(millis = 0) Duration hold,
            @DefaultValue("700ms") @NotNull @DurationMin(millis = 1) Duration lateAfter,
            @DefaultValue("10s") @NotNull @DurationMin(millis = 0) Duration quietPeriod) {

        static final MassFailure DEFAULTS = new MassFailure(0.3, 2, Duration.ofSeconds(60),
                MassFailurePolicy.DEFAULT_HOLD, MassFailurePolicy.DEFAULT_LATE_AFTER, MassFailurePolicy.DEFAULT_QUIET_PERIOD);

        public MassFailurePolicy policy() {
            return new MassFailurePolicy(maxSilentShare, minSilentHosts, window, hold, lateAfter, quietPeriod);
        }
    }

    /**
     * @param selfFenceTimeout must equal the agents' {@code kvmha.agent.self-fence-timeout} (default 10 s)
     * @param safetyMargin     added to it before a host nobody could power off counts as fenced (default 5 s)
     * @param attemptTimeout   longest single driver attempt, power-off poll included (default 5 s)
     * @param attempts         attempts per driver while its BMC is unreachable (default 2)
     * @param retryWait        pause between attempts (default 200 ms)
     * @param requestTimeout   timeout of one HTTP request or ipmitool run (default 2 s)
     * @param powerOffTimeout  how long the power state may take to read off after the off command (default 4 s)
     * @param pollInterval     power-state poll interval (default 100 ms)
     * @param ipmitool         the ipmitool executable (default {@code ipmitool} on the PATH)
     * @param hosts            per host id: its BMC(s); a host not listed has no BMC ("none": self-fence fallback only)
     * @param probeInterval    every BMC's power state is read this often (default 60 s; and once at start-up): a dead
     *                         BMC shows in {@code kvmha_failover_bmc_reachable} before it is needed, and the fencing
     *                         path stays warm
     */
    public record Fencing(
            @DefaultValue("10s") @DurationMin(millis = 1) Duration selfFenceTimeout,
            @DefaultValue("5s") @NotNull Duration safetyMargin,
            @DefaultValue("5s") @DurationMin(millis = 1) Duration attemptTimeout,
            @DefaultValue("2") @Min(1) int attempts,
            @DefaultValue("200ms") @NotNull Duration retryWait,
            @DefaultValue("2s") @DurationMin(millis = 1) Duration requestTimeout,
            @DefaultValue("4s") @DurationMin(millis = 1) Duration powerOffTimeout,
            @DefaultValue("100ms") @DurationMin(millis = 1) Duration pollInterval,
            @DefaultValue("ipmitool") @NotBlank String ipmitool,
            Map<String, @Valid HostFencing> hosts,
            @DefaultValue("60s") @DurationMin(seconds = 1) Duration probeInterval) {

        static final Fencing DEFAULTS = new Fencing(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(5), 2,
                Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofMillis(100), "ipmitool", Map.of(),
                Duration.ofSeconds(60));

        public Fencing {
            hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
        }

        public FencingPolicy policy() {
            return new FencingPolicy(selfFenceTimeout, safetyMargin);
        }
    }

    /**
     * @param maxRestarts restarts of a crashed HA VM on its own host within the window (default 3)
     * @param window      the sliding window (default 10 min)
     */
    public record CrashRestart(@DefaultValue("3") @Min(0) int maxRestarts,
                               @DefaultValue("10m") @DurationMin(seconds = 1) Duration window) {

        static final CrashRestart DEFAULTS = new CrashRestart(3, Duration.ofMinutes(10));

        public io.kvmha.failover.core.CrashRestartPolicy policy() {
            return new io.kvmha.failover.core.CrashRestartPolicy(maxRestarts, window);
        }
    }

    /**
     * @param parallelism live migrations in flight at once per drained host (default 2)
     * @param deadline    moves not started within this of the drain's start are not started (default 10 min); move
     *                    placements older than this, read on start-up, are not acted on
     */
    public record Drain(@DefaultValue("2") @Min(1) int parallelism,
                        @DefaultValue("10m") @DurationMin(seconds = 1) Duration deadline) {

        static final Drain DEFAULTS = new Drain(2, Duration.ofMinutes(10));

        public io.kvmha.failover.core.DrainPolicy policy() {
            return new io.kvmha.failover.core.DrainPolicy(parallelism, deadline);
        }
    }

    /** A host's BMC access; either or both drivers (Redfish is tried first). */
    public record HostFencing(@Valid Redfish redfish, @Valid Ipmi ipmi) {
    }

    /**
     * @param url          the ComputerSystem resource, e.g. {@code https://10.0.0.11/redfish/v1/Systems/1}
     * @param usernameFile file holding the user name (first line)
     * @param passwordFile file holding the password (first line)
     * @param verifyTls    verify the BMC's certificate (default true)
     */
    public record Redfish(@NotNull URI url, @NotNull Path usernameFile, @NotNull Path passwordFile,
                          @DefaultValue("true") boolean verifyTls) {
    }

    /**
     * @param address      the BMC's address for {@code ipmitool -H}
     * @param usernameFile file holding the user name
     * @param passwordFile file holding the password, passed to ipmitool as {@code -f}
     * @param interfaceName ipmitool interface (default {@code lanplus})
     */
    public record Ipmi(@NotBlank String address, @NotNull Path usernameFile, @NotNull Path passwordFile,
                       @DefaultValue("lanplus") String interfaceName) {
    }
}
