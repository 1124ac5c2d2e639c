package io.kvmha.monitor.core.rules;

import static io.kvmha.monitor.core.rules.Events.GIB;
import static io.kvmha.monitor.core.rules.RuleScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.monitor.core.AlertInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every shipped rule (monitor-rules.yml) fires in a scenario made for it, and stays quiet when all is well. */
class ShippedRulesTest {

    static final Duration SECOND = Duration.ofSeconds(1);

    final RuleScenario s = RuleScenario.shipped();

    @Test
    void theShippedSetCoversTheIssuesList() {
        Set<String> names = new TreeSet<>();
        RuleScenario.shippedRules().forEach(r -> names.add(r.alert()));
        assertThat(names).contains("KvmHeartbeatMissing", "KvmFencingFailed", "KvmVmCrashed", "KvmVmCrashLoop",
                "KvmFailoverFailed", "KvmFailoverSlow", "KvmMigrationSlow", "KvmMigrationFailed",
                "KvmVmExcessiveMigrations", "KvmNumaImbalance", "KvmMemoryOvercommit", "KvmClusterNotFailoverSafe",
                "KvmLibvirtDisconnected", "KvmAgentSelfFenced", "KvmMassFailureGuardEngaged", "KvmMetricsIngestStale",
                "KvmWatchdog");
        RuleScenario.shippedRules().forEach(r -> {
            assertThat(r.annotations().get("runbook_url")).isEqualTo("#" + r.alert().toLowerCase(Locale.ROOT));
            assertThat(r.labels().get("severity")).isIn("critical", "warning", "info");
        });
    }

    @Test
    void aHealthyClusterFiresOnlyTheWatchdog() {
        s.ingest(Events.spec("vm1", 1024, Tier.GOLD, T0)).ingest(Events.spec("vm2", 1024, Tier.SILVER, T0));
        s.ingest(Events.inventory("h1", 16 * GIB, T0, 6 * GIB, 5 * GIB));
        s.ingest(Events.inventory("h2", 16 * GIB, T0, 6 * GIB, 6 * GIB));
        s.run(SECOND, T0.plus(Duration.ofMinutes(6)), t -> List.of(Events.heartbeat("h1", t, "vm1"),
                Events.heartbeat("h2", t, "vm2"), Events.samples("h1", t, Events.sample("libvirt_domain_info_vcpu_current", 1, "domain", "vm1"))));

        assertThat(s.tracker.active()).extracting(AlertInstance::name).containsExactly("KvmWatchdog");
    }

    @Test
    void heartbeatMissingFiresForTheSilentHostAndResolvesWhenItReturns() {
        s.run(SECOND, T0.plusSeconds(2), t -> List.of(Events.heartbeat("h1", t), Events.heartbeat("h2", t)));
        s.run(SECOND, T0.plusSeconds(8), t -> List.of(Events.heartbeat("h2", t)));
        assertThat(s.firing("KvmHeartbeatMissing")).singleElement().satisfies(a -> {
            assertThat(a.labels()).containsEntry("host", "h1").containsEntry("severity", "warning");
            assertThat(a.annotations().get("summary")).isEqualTo("No heartbeat from host h1");
        });
        s.run(SECOND, T0.plusSeconds(10), t -> List.of(Events.heartbeat("h1", t), Events.heartbeat("h2", t)));
        assertThat(s.firing("KvmHeartbeatMissing")).isEmpty();
        assertThat(s.resolved("KvmHeartbeatMissing")).singleElement()
                .satisfies(a -> assertThat(a.annotations()).containsKeys("summary", "description", "runbook_url"));
    }

    @Test
    void fencingFailedAfterThirtySecondsInFencing() {
        s.ingest(Events.health("h1", HostState.DOWN, HostState.FENCING, T0)).evaluate();
        s.at(T0.plusSeconds(29)).evaluate();
        assertThat(s.firing("KvmFencingFailed")).isEmpty();
        s.at(T0.plusSeconds(31)).evaluate();
        assertThat(s.firing("KvmFencingFailed")).singleElement().satisfies(a -> assertThat(a.host()).isEqualTo("h1"));
        s.ingest(Events.health("h1", HostState.FENCING, HostState.FENCED, T0.plusSeconds(32))).at(T0.plusSeconds(32)).evaluate();
        assertThat(s.firing("KvmFencingFailed")).isEmpty();
    }

    @Test
    void libvirtDisconnectedAndSelfFenced() {
        s.run(SECOND, T0.plusSeconds(12), t -> List.of(
                Events.heartbeat("h1", t, HostHeartbeat.LibvirtConnectivity.DISCONNECTED, false),
                Events.heartbeat("h2", t, HostHeartbeat.LibvirtConnectivity.CONNECTED, true)));
        assertThat(s.firing("KvmLibvirtDisconnected")).singleElement().satisfies(a -> assertThat(a.host()).isEqualTo("h1"));
        assertThat(s.firing("KvmAgentSelfFenced")).singleElement().satisfies(a -> assertThat(a.host()).isEqualTo("h2"));
    }

    @Test
    void massFailureGuardWhenHalfTheHostsGoSilentAtOnce() {
        for (String h : List.of("h1", "h2", "h3", "h4")) {
            s.ingest(Events.inventory(h, 16 * GIB, T0));
        }
        s.run(SECOND, T0.plusSeconds(2), t -> List.of(Events.heartbeat("h1", t), Events.heartbeat("h2", t),
                Events.heartbeat("h3", t), Events.heartbeat("h4", t)));
        s.run(SECOND, T0.plusSeconds(8), t -> List.of(Events.heartbeat("h3", t), Events.heartbeat("h4", t)));
        assertThat(s.firing("KvmMassFailureGuardEngaged")).hasSize(1);
        assertThat(s.firing("KvmHeartbeatMissing")).hasSize(2);
    }

    @Test
    void metricsThatStopDoNotFreezeAndIngestStalenessFires() {
        RuleScenario scenario = new RuleScenario(List.of(new RuleDefinition("HighCpu",
                "libvirt_domain_info_vcpu_current > 2", null, null, java.util.Map.of("severity", "warning"),
                java.util.Map.of("summary", "x", "description", "{{ $labels.domain }}", "runbook_url", "#highcpu"))));
        scenario.ingest(Events.samples("h1", T0, Events.sample("libvirt_domain_info_vcpu_current", 4, "domain", "vm1"))).evaluate();
        assertThat(scenario.firing("HighCpu")).hasSize(1);
        // The host stops reporting: after the lookback (1 min) the last value no longer counts.
        scenario.at(T0.plusSeconds(61)).evaluate();
        assertThat(scenario.firing("HighCpu")).isEmpty();

        s.ingest(Events.samples("h1", T0, Events.sample("libvirt_domain_info_vcpu_current", 1, "domain", "vm1")));
        s.at(T0.plusSeconds(30)).evaluate();
        assertThat(s.firing("KvmMetricsIngestStale")).isEmpty();
        s.at(T0.plusSeconds(61)).evaluate();
        assertThat(s.firing("KvmMetricsIngestStale")).singleElement().satisfies(a -> assertThat(a.host()).isEqualTo("h1"));
    }

    @Test
    void aVmThatLeavesItsHostsBatchIsStaleAtOnce() {
        RuleScenario scenario = new RuleScenario(List.of(new RuleDefinition("HighCpu",
                "libvirt_domain_info_vcpu_current > 2", null, null, java.util.Map.of("severity", "warning"),
                java.util.Map.of("summary", "x", "description", "x", "runbook_url", "#highcpu"))));
        scenario.ingest(Events.samples("h1", T0, Events.sample("libvirt_domain_info_vcpu_current", 4, "domain", "vm1"),
                Events.sample("libvirt_domain_info_vcpu_current", 1, "domain", "vm2"))).evaluate();
        assertThat(scenario.firing("HighCpu")).hasSize(1);
        scenario.at(T0.plusSeconds(10))
                .ingest(Events.samples("h1", T0.plusSeconds(10), Events.sample("libvirt_domain_info_vcpu_current", 1, "domain", "vm2")))
                .evaluate();
        assertThat(scenario.firing("HighCpu")).isEmpty();
        assertThat(scenario.resolved("HighCpu")).singleElement()
                .satisfies(a -> assertThat(a.labels()).containsEntry("domain", "vm1").containsEntry("host", "h1"));
    }

    @Test
    void vmCrashedAndCrashLoop() {
        s.ingest(Events.crashed("h1", "vm1", T0)).evaluate();
        assertThat(s.firing("KvmVmCrashed")).singleElement().satisfies(a ->
                assertThat(a.labels()).containsEntry("vm", "vm1").containsEntry("host", "h1").containsEntry("reason", "crashed"));
        assertThat(s.firing("KvmVmCrashLoop")).isEmpty();
        s.at(T0.plusSeconds(60)).ingest(Events.crashed("h1", "vm1", T0.plusSeconds(60))).evaluate();
        s.at(T0.plusSeconds(120)).ingest(Events.crashed("h2", "vm1", T0.plusSeconds(120))).evaluate();
        assertThat(s.firing("KvmVmCrashLoop")).singleElement().satisfies(a -> {
            assertThat(a.labels()).containsEntry("vm", "vm1");
            assertThat(a.annotations().get("description")).isEqualTo("VM vm1 crashed 3 times in 15 minutes.");
        });
        s.at(T0.plus(Duration.ofMinutes(20))).evaluate();
        assertThat(s.firing("KvmVmCrashed")).isEmpty();
        assertThat(s.firing("KvmVmCrashLoop")).isEmpty();
    }

    @Test
    void migrationsSlowFailedAndExcessive() {
        s.ingest(Events.migration("h1", "vm1", CommandResult.Outcome.SUCCEEDED, 90_000, T0));
        s.ingest(Events.migration("h1", "vm2", CommandResult.Outcome.FAILED, 1_000, T0));
        for (int i = 1; i <= 4; i++) {
            s.ingest(Events.migration("h" + i, "vm3", CommandResult.Outcome.SUCCEEDED, 2_000, T0.plusSeconds(i)));
        }
        s.at(T0.plusSeconds(5)).evaluate();
        assertThat(s.firing("KvmMigrationSlow")).singleElement().satisfies(a -> assertThat(a.labels()).containsEntry("vm", "vm1"));
        assertThat(s.firing("KvmMigrationFailed")).singleElement().satisfies(a -> assertThat(a.labels()).containsEntry("vm", "vm2"));
        assertThat(s.firing("KvmVmExcessiveMigrations")).singleElement().satisfies(a -> assertThat(a.labels()).containsEntry("vm", "vm3"));
    }

    @Test
    void failoverFailedAndSlowerThanItsTier() {
        Instant detected = T0;
        s.ingest(Events.recovery("inc-1", "h1", RecoveryRecord.Status.FAILED, detected, List.of(), T0.plusSeconds(5)));
        s.ingest(Events.recovery("inc-2", "h2", RecoveryRecord.Status.RECOVERED, detected, List.of(
                Events.started("vm-g", Tier.GOLD, "h2", "h3", T0.plusSeconds(20)),
                Events.started("vm-s", Tier.SILVER, "h2", "h3", T0.plusSeconds(20))), T0.plusSeconds(20)));
        s.at(T0.plusSeconds(21)).evaluate();
        assertThat(s.firing("KvmFailoverFailed")).singleElement().satisfies(a -> assertThat(a.host()).isEqualTo("h1"));
        assertThat(s.firing("KvmFailoverSlow")).singleElement()
                .satisfies(a -> assertThat(a.labels()).containsEntry("tier", "gold"));
    }

    @Test
    void capacityNumaOvercommitAndHeadroom() {
        s.ingest(Events.spec("big", 12 * 1024, Tier.GOLD, T0));
        s.ingest(Events.inventory("h1", 8 * GIB, T0, 3 * GIB, (long) (0.2 * GIB)));
        s.ingest(Events.inventory("h2", 8 * GIB, T0, 3 * GIB, 3 * GIB));
        s.run(Duration.ofSeconds(10), T0.plus(Duration.ofMinutes(11)), t -> List.<KvmHaEvent>of(
                Events.heartbeat("h1", t, "big"), Events.heartbeat("h2", t)));
        assertThat(s.firing("KvmNumaImbalance")).singleElement().satisfies(a -> assertThat(a.host()).isEqualTo("h1"));
        assertThat(s.firing("KvmMemoryOvercommit")).singleElement().satisfies(a -> assertThat(a.host()).isEqualTo("h1"));
        assertThat(s.firing("KvmClusterNotFailoverSafe")).singleElement()
                .satisfies(a -> assertThat(a.annotations().get("description")).contains("lack -4.29GB"));
    }

    @Test
    void theWatchdogAlwaysFires() {
        s.evaluate();
        assertThat(s.firing("KvmWatchdog")).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(io.kvmha.contracts.event.Alert.Severity.INFO);
            assertThat(a.labels()).containsOnlyKeys("alertname", "severity");
        });
    }
}
