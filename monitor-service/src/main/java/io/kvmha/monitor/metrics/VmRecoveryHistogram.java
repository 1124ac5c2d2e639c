package io.kvmha.monitor.metrics;

import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code kvmha_vm_recovery_seconds{tier}}: for each VM restarted by a failover, the time from its host
 * being detected down (the incident's first timeline entry) to the VM started, by tier: the figure
 * each tier's recovery objective is about. Each VM of each incident is recorded once; records older
 * than 15 minutes are not (a replay after a restart must not count history again).
 */
@Component
public class VmRecoveryHistogram {

    private static final Duration RECENT = Duration.ofMinutes(15);

    private final Map<Tier, Timer> timers = new EnumMap<>(Tier.class);
    private final Timer unknownTier;
    private final Set<String> recorded = ConcurrentHashMap.newKeySet();
    private final Clock clock;

    public VmRecoveryHistogram(MeterRegistry meters, Clock clock) {
        this.clock = clock;
        for (Tier tier : Tier.values()) {
            timers.put(tier, timer(meters, tier.name().toLowerCase(Locale.ROOT)));
        }
        unknownTier = timer(meters, "none");
    }

    public void record(RecoveryRecord record) {
        if (record.timeline().isEmpty()) {
            return;
        }
        Instant detected = record.timeline().get(0).at();
        Instant recent = clock.instant().minus(RECENT);
        for (RecoveryRecord.VmRecovery vm : record.vms()) {
            if (vm.status() == RecoveryRecord.VmStatus.STARTED && vm.at() != null && vm.at().isAfter(recent)
                    && recorded.add(record.incidentId() + "/" + vm.vmId())) {
                Timer timer = vm.tier() == null ? unknownTier : timers.get(vm.tier());
                timer.record(Duration.between(detected, vm.at()).abs());
            }
        }
    }

    private static Timer timer(MeterRegistry meters, String tier) {
        return Timer.builder("kvmha.vm.recovery")
                .description("Time from a host detected down to each of its VMs started elsewhere, by tier")
                .tag("tier", tier)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(meters);
    }
}
