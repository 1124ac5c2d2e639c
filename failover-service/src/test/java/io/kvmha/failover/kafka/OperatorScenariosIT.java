package io.kvmha.failover.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The operator's and the scheduler's side over a real broker (the test plays agents and scheduler): a
 * migration and a drain driven by the scheduler's move placements alone, followed on {@code /api/v1/drains};
 * an operator's fence through the BMC (409 without force, 404 unknown host); an evacuation plan that does not
 * come (request sent again with the same id, then a critical alert) and arrives late; a start that fails and
 * is re-placed by the scheduler excluding that host; the fenced host's rejoin decided by its agent's complete
 * domain listing, not a timer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.config.name=failover-service",
    "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
    "kvmha.failover.fencing.self-fence-timeout=2s",
    "kvmha.failover.fencing.safety-margin=500ms",
    "kvmha.failover.fencing.request-timeout=300ms",
    "kvmha.failover.fencing.attempt-timeout=1s",
    "kvmha.failover.plan-timeout=1s",
    "kvmha.failover.plan-attempts=2"})
@EmbeddedKafka
@DirtiesContext
class OperatorScenariosIT extends ScenarioHarness {

    static final String PASSWORD = "Bmc-Secret-77aa01";
    static final List<String> HOSTS = List.of("h1", "h2", "h3", "h4");
    static final RedfishBmcEmulator BMC = RedfishBmcEmulator.start("fencer", PASSWORD, HOSTS.toArray(String[]::new));
    static final String VM = "5a0c7e4e-0000-4000-8000-00000000000a";

    @DynamicPropertySource
    static void bmcs(DynamicPropertyRegistry registry) throws IOException {
        registerBmcs(registry, BMC, PASSWORD, HOSTS);
    }

    @AfterAll
    static void stopBmc() {
        BMC.close();
    }

    @Test
    void migrationDrainOperatorFenceLatePlanRetriedStartAndRejoin() throws Exception {
        ListenerAssignments.await(listeners);
        domainsComplete = true;
        startAgents(HOSTS);
        HOSTS.forEach(h -> publisher.publish(SampleEvents.inventory(h)));
        publisher.publish(spec(VM, "web-1"));
        publisher.publish(new Placement(VM, "h1", 1, List.of(), "most free memory", null, Instant.now()));
        domains.put("h1", List.of(new HostHeartbeat.DomainStatus(VM, "web-1", DomainState.RUNNING)));
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.hosts().keySet().containsAll(HOSTS)
                && engine.placementsOn("h1").size() == 1);

        try (Consumer<?, ?> watch = watcher()) {
            migration(watch);
            drain(watch);
            String incidentId = operatorFence(watch);
            latePlanAndRetriedStart(watch, incidentId);
            rejoin(watch);
        }
    }

    /** The scheduler's migration placement alone moves the VM; progress and outcome on /api/v1/drains?vmId=. */
    private void migration(Consumer<?, ?> watch) throws Exception {
        publisher.publish(new Placement(VM, "h2", 2, List.of(), "migration from h1 (live)", null, Instant.now()));
        HostCommand migrate = awaitEvent(watch, HostCommand.class, c -> c.action() == HostCommand.Action.MIGRATE
                && c.vmId().equals(VM));
        assertThat(migrate.hostId()).isEqualTo("h1");
        assertThat(migrate.migration().targetHostId()).isEqualTo("h2");
        assertThat(migrate.migration().targetUri()).isEqualTo("qemu+tcp://h2/system");
        publisher.publish(progress(migrate, 50));
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/drains?vmId=" + VM).body()
                .contains("\"progressPercent\":50"));
        publisher.publish(result(migrate, CommandResult.Outcome.SUCCEEDED));
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/drains?vmId=" + VM).body().contains("\"done\":true"));
        String view = get("/api/v1/drains?vmId=" + VM).body();
        assertThat(view).contains("\"kind\":\"MIGRATION\"", "\"status\":\"MIGRATED\"", "\"sourceHostId\":\"h1\"");
        domains.remove("h1");
        domains.put("h2", List.of(new HostHeartbeat.DomainStatus(VM, "web-1", DomainState.RUNNING)));
        assertThat(get("/api/v1/drains?hostId=h4").body()).isEqualTo("[]");
        HttpResponse<String> missing = get("/api/v1/drains/no-such-drain");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("urn:kvmha:problem:drain-not-found");
        assertThat(engine.hosts().get("h1").state()).as("a migration is no drain").isEqualTo(HostState.ONLINE);
    }

    /** The scheduler's drain placements of h3: maintenance, two migrations, one drain on /api/v1/drains?hostId=h3. */
    private void drain(Consumer<?, ?> watch) throws Exception {
        List<String> vms = List.of("d1", "d2");
        for (String vm : vms) {
            publisher.publish(spec(vm, "vm-" + vm));
            publisher.publish(new Placement(vm, "h3", 1, List.of(), "most free memory", null, Instant.now()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.placementsOn("h3").size() == 2);
        for (String vm : vms) {
            publisher.publish(new Placement(vm, "h4", 2, List.of(), "drain of h3 (live migration)", null, Instant.now()));
        }
        HostHealthChange maintenance = awaitEvent(watch, HostHealthChange.class,
                c -> c.hostId().equals("h3") && c.current() == HostState.MAINTENANCE);
        assertThat(maintenance.evidence().get(0)).contains("drain of h3");
        for (String vm : vms) {
            HostCommand migrate = awaitEvent(watch, HostCommand.class, c -> c.action() == HostCommand.Action.MIGRATE
                    && c.vmId().equals(vm));
            assertThat(migrate.hostId()).isEqualTo("h3");
            publisher.publish(result(migrate, CommandResult.Outcome.SUCCEEDED));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/drains?hostId=h3").body().contains("\"done\":true"));
        String drains = get("/api/v1/drains?hostId=h3").body();
        assertThat(drains).contains("\"kind\":\"DRAIN\"", "\"vmId\":\"d1\"", "\"vmId\":\"d2\"").doesNotContain("FAILED");
        assertThat(send("DELETE", "/api/v1/hosts/h3/maintenance", null).body()).contains("\"state\":\"ONLINE\"");
    }

    /** 404 unknown host, 409 a live host without force; with force, fenced through the BMC: an incident. */
    private String operatorFence(Consumer<?, ?> watch) throws Exception {
        HttpResponse<String> unknown = send("POST", "/api/v1/hosts/h9/fence", "{\"force\":true}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("urn:kvmha:problem:host-not-found");
        HttpResponse<String> unreadable = send("POST", "/api/v1/hosts/h2/fence", "{\"force\": maybe}");
        assertThat(unreadable.statusCode()).isEqualTo(400);
        assertThat(unreadable.body()).contains("urn:kvmha:problem:unreadable-request");
        HttpResponse<String> refused = send("POST", "/api/v1/hosts/h2/fence", "{\"reason\":\"PSU smoke\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("urn:kvmha:problem:host-state-conflict", "force");
        assertThat(BMC.powerState("h2")).isEqualTo(PowerState.On);

        // Its heartbeats stop with the power; stopped first, so that no heartbeat still on its way after the
        // power-off makes the fenced host look back (a rejoin) before the repeated request below.
        beating.remove("h2");
        HttpResponse<String> accepted = send("POST", "/api/v1/hosts/h2/fence", "{\"force\":true,\"reason\":\"PSU smoke\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(accepted.body()).contains("\"phase\":\"operator-fence\"", "PSU smoke");
        HostHealthChange fenced = awaitEvent(watch, HostHealthChange.class,
                c -> c.hostId().equals("h2") && c.current() == HostState.FENCED);
        assertThat(BMC.powerState("h2")).isEqualTo(PowerState.Off);
        assertThat(location).isEqualTo("/api/v1/incidents/" + fenced.incidentId());
        assertThat(send("POST", "/api/v1/hosts/h2/fence", "{\"force\":true}").statusCode()).as("already fenced").isEqualTo(409);
        return fenced.incidentId();
    }

    /**
     * No plan: the same request again after plan-timeout, then a critical alert; the late plan still counts. Its
     * start fails on h4: the scheduler is asked again for this VM without h4, and it starts on h1.
     */
    private void latePlanAndRetriedStart(Consumer<?, ?> watch, String incidentId) {
        EvacuationRequest request = awaitEvent(watch, EvacuationRequest.class, r -> r.incidentId().equals(incidentId));
        awaitEvent(watch, Alert.class, a -> a.name().equals("KvmHaEvacuationPlanMissing"));
        assertThat(seen).filteredOn(EvacuationRequest.class::isInstance).map(EvacuationRequest.class::cast)
                .filteredOn(r -> r.incidentId().equals(incidentId))
                .extracting(EvacuationRequest::requestId).containsExactly(request.requestId(), request.requestId());

        publisher.publish(new EvacuationPlan(request.requestId(), incidentId,
                List.of(new EvacuationPlan.Assignment(spec(VM, "web-1"), "h2", "h4", 3)), List.of(), Instant.now()));
        HostCommand first = awaitEvent(watch, HostCommand.class, c -> incidentId.equals(c.incidentId())
                && c.action() == HostCommand.Action.DEFINE_AND_START);
        assertThat(first.hostId()).isEqualTo("h4");
        publisher.publish(result(first, CommandResult.Outcome.FAILED));

        EvacuationRequest retry = awaitEvent(watch, EvacuationRequest.class, r -> r.incidentId().equals(incidentId)
                && !r.requestId().equals(request.requestId()));
        assertThat(retry.vmIds()).containsExactly(VM);
        assertThat(retry.excludeHostIds()).containsExactly("h4");
        publisher.publish(new EvacuationPlan(retry.requestId(), incidentId,
                List.of(new EvacuationPlan.Assignment(spec(VM, "web-1"), "h4", "h1", 4)), List.of(), Instant.now()));
        HostCommand second = awaitEvent(watch, HostCommand.class, c -> incidentId.equals(c.incidentId())
                && c.action() == HostCommand.Action.DEFINE_AND_START && c.hostId().equals("h1"));
        assertThat(second.placementGeneration()).isEqualTo(4);
        publisher.publish(new Placement(VM, "h1", 4, List.of(), "evacuation of h2", incidentId, Instant.now()));
        publisher.publish(result(second, CommandResult.Outcome.SUCCEEDED));
        RecoveryRecord recovered = awaitEvent(watch, RecoveryRecord.class,
                r -> r.incidentId().equals(incidentId) && r.status() == RecoveryRecord.Status.RECOVERED);
        assertThat(recovered.timeline()).extracting(RecoveryRecord.TimelineEntry::phase).containsSubsequence(
                "detected", "operator-fence", "fencing-started", "fenced", "evacuation-requested",
                "evacuation-re-requested", "plan-timeout", "plan-received", "start-issued", "vm-failed",
                "replacement-requested", "replacement-plan-received", "start-issued", "vm-started", "recovered");
    }

    /** h2 powers on with the VM still defined: cleaned up, then ONLINE on its agent's complete listing. */
    private void rejoin(Consumer<?, ?> watch) {
        BMC.setPowerState("h2", PowerState.On);
        beating.add("h2");
        awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h2") && c.current() == HostState.RECOVERING);
        HostCommand undefine = awaitEvent(watch, HostCommand.class, c -> c.hostId().equals("h2")
                && c.action() == HostCommand.Action.UNDEFINE);
        assertThat(undefine.vmId()).isEqualTo(VM);
        domains.remove("h2"); // the agent executed it
        HostHealthChange online = awaitEvent(watch, HostHealthChange.class, c -> c.hostId().equals("h2")
                && c.previous() == HostState.RECOVERING && c.current() == HostState.ONLINE);
        assertThat(online.evidence().get(0)).contains("complete domain listing");
    }

    private static VmSpec spec(String vmId, String name) {
        return new VmSpec(vmId, name, 1, 256, Tier.GOLD, HaPolicy.RESTART, 5, Map.of(), Instant.now());
    }

    private static CommandResult result(HostCommand command, CommandResult.Outcome outcome) {
        return new CommandResult(command.commandId(), command.hostId(), command.vmId(), command.action(), outcome,
                outcome == CommandResult.Outcome.SUCCEEDED ? null : "no room for the guest", 300, command.incidentId(),
                Instant.now());
    }

    private static CommandResult progress(HostCommand command, int percent) {
        return new CommandResult(command.commandId(), command.hostId(), command.vmId(), command.action(),
                CommandResult.Outcome.IN_PROGRESS, null, 100, command.incidentId(), Instant.now(), percent, null);
    }
}
