package io.kvmha.failover.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.kvmha.bmc.Fault;
import io.kvmha.bmc.PowerState;
import io.kvmha.bmc.RedfishBmcEmulator;
import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostState;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.failover.core.IncidentSnapshot;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The failover service against a real broker and a Redfish BMC emulator over real HTTP; the test plays
 * the agents (heartbeats, command results) and the scheduler (plans). Scenarios: host power loss fenced
 * through the BMC then rejoin with a stale VM; BMC refuses (no restart, critical alert); BMC unreachable
 * (recovery waits for the self-fence deadline). Credentials come from files and must never show up in a
 * log line, an event or the metrics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.config.name=failover-service",
    "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
    // Detection as configured by default (phi accrual, 1 s / 2 s ceilings): the printed figures are real.
    "kvmha.failover.fencing.self-fence-timeout=2s",
    "kvmha.failover.fencing.safety-margin=500ms",
    "kvmha.failover.fencing.request-timeout=300ms",
    "kvmha.failover.fencing.attempt-timeout=1s",
    "kvmha.failover.fencing.attempts=2"})
@EmbeddedKafka
@DirtiesContext
class FencingScenariosIT extends ScenarioHarness {

    static final String PASSWORD = "Bmc-Secret-4f1c9e";
    static final List<String> HOSTS = List.of("h1", "h2", "h3", "h4");
    static final RedfishBmcEmulator BMC = RedfishBmcEmulator.start("fencer", PASSWORD, HOSTS.toArray(String[]::new));

    @DynamicPropertySource
    static void bmcs(DynamicPropertyRegistry registry) throws IOException {
        registerBmcs(registry, BMC, PASSWORD, HOSTS);
    }

    @AfterAll
    static void stopBmc() {
        BMC.close();
    }

    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    @Test
    void powerLossBmcRefusalAndUnreachableBmc() throws Exception {
        ListenerAssignments.await(listeners);
        startAgents(HOSTS);
        HOSTS.forEach(h -> publisher.publish(SampleEvents.inventory(h)));
        String vm = "9f1d2c3b-0000-4000-8000-000000000001";
        publisher.publish(new Placement(vm, "h1", 1, List.of(), "most free memory", null, Instant.now()));
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.hosts().keySet().containsAll(HOSTS)
                && engine.placementsOn("h1").size() == 1);

        try (Consumer<?, ?> watch = watcher()) {
            powerLoss(watch, vm);
            bmcRefuses(watch);
            bmcUnreachable(watch);
            maintenanceAndHistory();
            drain(watch);
            massFailure(watch);
        }

        String scrape = get("/actuator/prometheus").body();
        assertThat(scrape).contains("kvmha_recovery_fence_seconds_count", "kvmha_recovery_detect_seconds_bucket",
                "kvmha_recovery_total_seconds_bucket", "kvmha_fence_attempts_total{driver=\"redfish\",result=\"off\"}",
                "kvmha_fence_attempts_total{driver=\"redfish\",result=\"refused\"}",
                "kvmha_fence_attempts_total{driver=\"redfish\",result=\"unreachable\"}");
        assertThat(scrape).doesNotContain(PASSWORD);
        assertThat(seen).allSatisfy(event -> assertThat(event.toString()).doesNotContain(PASSWORD));
        assertThat(logs.list).isNotEmpty().allSatisfy(line -> {
            assertThat(line.getFormattedMessage()).doesNotContain(PASSWORD);
            if (line.getThrowableProxy() != null) {
                assertThat(ThrowableProxyUtil.asString(line.getThrowableProxy())).doesNotContain(PASSWORD);
            }
        });
    }

    /** h1 loses power: declared DOWN, ForceOff through the BMC, evacuated, its VM started on h2; then h1 reboots. */
    private void powerLoss(Consumer<?, ?> watch, String vm) throws Exception {
        beating.remove("h1");
        HostHealthChange down = awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h1") && c.current() == HostState.DOWN);
        HostHealthChange fenced = awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h1") && c.current() == HostState.FENCED);
        assertThat(fenced.evidence().get(0)).startsWith("redfish: chassis power confirmed off");
        assertThat(BMC.powerState("h1")).isEqualTo(PowerState.Off);
        EvacuationRequest request = awaitEvent(watch, EvacuationRequest.class, r -> r.incidentId().equals(down.incidentId()));

        VmSpec spec = new VmSpec(vm, "web-1", 1, 256, Tier.GOLD, HaPolicy.RESTART, 5, Map.of(), Instant.now());
        publisher.publish(new Placement(vm, "h2", 2, List.of(), "evacuation", down.incidentId(), Instant.now()));
        publisher.publish(new EvacuationPlan(request.requestId(), request.incidentId(),
                List.of(new EvacuationPlan.Assignment(spec, "h1", "h2", 2)), List.of(), Instant.now()));
        HostCommand start = awaitEvent(watch, HostCommand.class, c -> down.incidentId().equals(c.incidentId()));
        assertThat(start.hostId()).isEqualTo("h2");
        assertThat(start.action()).isEqualTo(HostCommand.Action.DEFINE_AND_START);
        publisher.publish(new CommandResult(start.commandId(), "h2", vm, HostCommand.Action.DEFINE_AND_START,
                CommandResult.Outcome.SUCCEEDED, null, 240, start.incidentId(), Instant.now()));
        RecoveryRecord recovered = awaitEvent(watch, RecoveryRecord.class,
                r -> r.incidentId().equals(down.incidentId()) && r.status() == RecoveryRecord.Status.RECOVERED);
        assertThat(recovered.fencing()).startsWith("redfish: chassis power confirmed off");
        assertThat(recovered.timeline()).extracting(RecoveryRecord.TimelineEntry::phase).containsSubsequence(
                "detected", "fencing-started", "fenced", "evacuation-requested", "plan-received", "start-issued",
                "vm-started", "recovered");
        report("power loss (BMC ForceOff)", engine.incident(down.incidentId()).orElseThrow());

        HttpResponse<String> one = get("/api/v1/incidents/" + down.incidentId());
        assertThat(one.body()).contains("\"status\":\"RECOVERED\"", "\"phase\":\"fenced\"", "ForceOff accepted");

        // h1 powers on again with the VM still defined and autostarted: it must be removed before h1 is ONLINE.
        BMC.setPowerState("h1", PowerState.On);
        domains.put("h1", List.of(new HostHeartbeat.DomainStatus(vm, "web-1", DomainState.RUNNING)));
        beating.add("h1");
        awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h1") && c.current() == HostState.RECOVERING);
        HostCommand destroy = awaitEvent(watch, HostCommand.class, c -> c.hostId().equals("h1") && c.action() == HostCommand.Action.DESTROY);
        HostCommand undefine = awaitEvent(watch, HostCommand.class, c -> c.hostId().equals("h1") && c.action() == HostCommand.Action.UNDEFINE);
        assertThat(List.of(destroy.vmId(), undefine.vmId())).containsOnly(vm);
        assertThat(engine.hosts().get("h1").state()).isEqualTo(HostState.RECOVERING);
        domains.remove("h1"); // The agent executed them.
        awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h1") && c.previous() == HostState.RECOVERING
                && c.current() == HostState.ONLINE);
    }

    /** h3's BMC refuses ForceOff: nothing restarts, a critical alert says why. */
    private void bmcRefuses(Consumer<?, ?> watch) {
        BMC.setFault("h3", Fault.REFUSE);
        beating.remove("h3");
        HostHealthChange down = awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h3") && c.current() == HostState.DOWN);
        RecoveryRecord failed = awaitEvent(watch, RecoveryRecord.class,
                r -> r.incidentId().equals(down.incidentId()) && r.status() == RecoveryRecord.Status.FAILED);
        assertThat(failed.fencing()).startsWith("FAILED: redfish REFUSED").contains("HTTP 500");
        Alert alert = awaitEvent(watch, Alert.class, a -> a.name().equals("KvmHostFencingFailed"));
        assertThat(alert.severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(alert.labels()).containsEntry("host", "h3");
        HostHealthChange backToDown = awaitEvent(watch, HostHealthChange.class,
                c -> c.hostId().equals("h3") && c.previous() == HostState.FENCING && c.current() == HostState.DOWN);
        assertThat(backToDown.evidence().get(0)).contains("fencing failed");
        assertThat(seen).filteredOn(EvacuationRequest.class::isInstance).map(EvacuationRequest.class::cast)
                .noneMatch(r -> r.incidentId().equals(down.incidentId()));
        BMC.setFault("h3", Fault.NONE);
        beating.add("h3");
        awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h3") && c.previous() == HostState.DOWN
                && c.current() == HostState.ONLINE);
    }

    /** h4's BMC does not answer: fenced only once the self-fence timeout plus margin has passed since its last heartbeat. */
    private void bmcUnreachable(Consumer<?, ?> watch) {
        BMC.setFault("h4", Fault.UNREACHABLE);
        beating.remove("h4");
        HostHealthChange down = awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h4") && c.current() == HostState.DOWN);
        HostHealthChange fenced = awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h4") && c.current() == HostState.FENCED);
        // Either the tick saw the deadline pass, or the driver's verdict came after it (slow machine).
        assertThat(fenced.evidence().get(0)).startsWith("self-fence deadline").contains("passed");
        IncidentSnapshot incident = engine.incident(down.incidentId()).orElseThrow();
        assertThat(Duration.between(incident.lastHeartbeatAt(), fenced.changedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
        assertThat(incident.timeline()).extracting(RecoveryRecord.TimelineEntry::phase).contains("self-fence-wait");
        awaitEvent(watch, EvacuationRequest.class, r -> r.incidentId().equals(down.incidentId()));
        assertThat(BMC.powerState("h4")).isEqualTo(PowerState.On);
        BMC.setFault("h4", Fault.NONE);
    }

    private void maintenanceAndHistory() throws Exception {
        HttpResponse<String> on = send("POST", "/api/v1/hosts/h2/maintenance", "{\"reason\":\"firmware\"}");
        assertThat(on.statusCode()).isEqualTo(200);
        assertThat(on.body()).contains("\"state\":\"MAINTENANCE\"");
        assertThat(send("DELETE", "/api/v1/hosts/h2/maintenance", null).body()).contains("\"state\":\"ONLINE\"");
        String history = get("/api/v1/hosts/h1/history").body();
        assertThat(history).contains("\"to\":\"FENCED\"", "\"to\":\"RECOVERING\"", "ForceOff accepted");
        assertThat(get("/api/v1/hosts/nope/history").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/api/v1/hosts/h4/maintenance", null).statusCode()).isEqualTo(409);
        assertThat(get("/api/v1/guard").body()).contains("\"engaged\":false");
        assertThat(send("POST", "/api/v1/guard/hosts/h1/release", null).statusCode()).isEqualTo(409);
    }

    /** The drain boundary: the caller (the scheduler's drain plan) posts where each VM goes; failover migrates. */
    private void drain(Consumer<?, ?> watch) throws Exception {
        HttpResponse<String> accepted = send("POST", "/api/v1/hosts/h2/drain", """
                {"moves":[{"vmId":"vm-drain","targetHostId":"h3","fallback":"COLD_RESTART"}],"parallelism":2,
                 "deadlineSeconds":60,"reason":"firmware"}""");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        HostCommand migrate = awaitEvent(watch, HostCommand.class, c -> c.action() == HostCommand.Action.MIGRATE);
        assertThat(migrate.hostId()).isEqualTo("h2");
        assertThat(migrate.migration().targetHostId()).isEqualTo("h3");
        assertThat(engine.hosts().get("h2").state()).isEqualTo(HostState.MAINTENANCE);
        publisher.publish(new CommandResult(migrate.commandId(), "h2", "vm-drain", HostCommand.Action.MIGRATE,
                CommandResult.Outcome.SUCCEEDED, null, 900, migrate.incidentId(), Instant.now()));
        await().atMost(Duration.ofSeconds(20)).until(() -> get(location).body().contains("\"done\":true"));
        assertThat(get(location).body()).contains("\"status\":\"MIGRATED\"");
        assertThat(get("/api/v1/drains").body()).contains(migrate.incidentId());
        send("DELETE", "/api/v1/hosts/h2/maintenance", null);
    }

    /** h2 and h3 fall silent together (with h4 still silent: 3 of 4): nothing is fenced until an operator releases h2. */
    private void massFailure(Consumer<?, ?> watch) throws Exception {
        Instant start = Instant.now();
        beating.removeAll(List.of("h2", "h3"));
        Alert guard = awaitEvent(watch, Alert.class, a -> a.name().equals("KvmHaMassFailureGuard") && a.status() == Alert.Status.FIRING);
        assertThat(guard.severity()).isEqualTo(Alert.Severity.CRITICAL);
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/guard").body().contains("\"engaged\":true"));
        Thread.sleep(2500); // Well past down-after: still nothing may be fenced (awaiting an absence).
        assertThat(engine.hosts().get("h2").state()).isEqualTo(HostState.SUSPECT);
        assertThat(engine.hosts().get("h3").state()).isEqualTo(HostState.SUSPECT);
        int resets = BMC.resetCount("h2") + BMC.resetCount("h3");

        HttpResponse<String> released = send("POST", "/api/v1/guard/hosts/h2/release", null);
        assertThat(released.statusCode()).isEqualTo(200);
        assertThat(released.body()).contains("\"released\":[\"h2\"]");
        awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h2") && c.current() == HostState.FENCED);
        assertThat(engine.hosts().get("h3").state()).as("not released: held").isEqualTo(HostState.SUSPECT);
        assertThat(BMC.resetCount("h2") + BMC.resetCount("h3")).isEqualTo(resets + 1);
        assertThat(seen).filteredOn(HostHealthChange.class::isInstance).map(HostHealthChange.class::cast)
                .noneMatch(c -> c.hostId().equals("h3") && c.current() == HostState.FENCING && c.changedAt().isAfter(start));
    }

    private static void report(String scenario, IncidentSnapshot incident) {
        Instant lastStarted = incident.vms().stream().map(RecoveryRecord.VmRecovery::at).max(Instant::compareTo).orElseThrow();
        Instant fencedAt = incident.timeline().stream().filter(t -> t.phase().equals("fenced")).map(RecoveryRecord.TimelineEntry::at)
                .findFirst().orElseThrow();
        System.out.printf(Locale.ROOT, "[scenario] %s: last heartbeat -> last VM started %.3f s (detect %.3f s, fence %.3f s; "
                        + "agents and scheduler simulated by the test)%n", scenario,
                Duration.between(incident.lastHeartbeatAt(), lastStarted).toMillis() / 1000.0,
                Duration.between(incident.lastHeartbeatAt(), incident.detectedAt()).toMillis() / 1000.0,
                Duration.between(incident.detectedAt(), fencedAt).toMillis() / 1000.0);
    }
}
