package io.kvmha.failover.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.contracts.event.CommandResult;
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
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The walking-skeleton recovery against a real broker: two heartbeating hosts, a VM on h1, h1 falls
 * silent, the service declares it DOWN, asks for a plan, starts the VM where the plan says, and records
 * the incident as RECOVERED; then h1 comes back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.config.name=failover-service",
    "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
    "kvmha.failover.suspect-after=500ms",
    "kvmha.failover.down-after=1s"})
@EmbeddedKafka
@DirtiesContext
class FailoverFlowIT {

    static final String VM = "9f1d2c3b-0000-4000-8000-000000000001";

    @Autowired
    EventPublisher publisher;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    ConsumerFactory<?, ?> consumers;
    @Autowired
    FailoverEngine engine;
    @LocalServerPort
    int port;

    final Set<String> beating = ConcurrentHashMap.newKeySet();
    final AtomicLong sequence = new AtomicLong();
    final ScheduledExecutorService agents = Executors.newSingleThreadScheduledExecutor();
    final List<Object> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopAgents() {
        agents.shutdownNow();
    }

    @Test
    void aSilentHostIsRecoveredThroughPlanCommandsAndResults() throws Exception {
        ListenerAssignments.await(listeners);
        beating.addAll(List.of("h1", "h2"));
        agents.scheduleAtFixedRate(this::heartbeats, 0, 100, TimeUnit.MILLISECONDS);
        publisher.publish(SampleEvents.inventory("h1"));
        publisher.publish(SampleEvents.inventory("h2"));
        publisher.publish(new Placement(VM, "h1", 1, List.of(), "most free memory", null, Instant.now()));

        await().atMost(Duration.ofSeconds(20)).until(() -> engine.hosts().keySet().containsAll(Set.of("h1", "h2"))
                && engine.placementsOn("h1").size() == 1 && engine.knownHosts().size() == 2);

        try (Consumer<?, ?> watch = watcher()) {
            beating.remove("h1");

            HostHealthChange down = awaitEvent(watch, HostHealthChange.class,
                    c -> c.hostId().equals("h1") && c.current() == HostState.DOWN);
            assertThat(down.incidentId()).isNotBlank();
            assertThat(down.evidence()).singleElement().asString().startsWith("no heartbeat for");
            EvacuationRequest request = awaitEvent(watch, EvacuationRequest.class,
                    r -> r.incidentId().equals(down.incidentId()));
            assertThat(request.failedHostIds()).containsExactly("h1");
            RecoveryRecord opened = awaitEvent(watch, RecoveryRecord.class, r -> r.incidentId().equals(down.incidentId()));
            assertThat(opened.fencing()).isEqualTo("UNSAFE: no fencing configured");
            assertThat(opened.vms()).extracting(RecoveryRecord.VmRecovery::vmId).containsExactly(VM);

            VmSpec spec = new VmSpec(VM, "web-1", 1, 256, Tier.GOLD, HaPolicy.RESTART, 5, Map.of(), Instant.now());
            publisher.publish(new EvacuationPlan(request.requestId(), request.incidentId(),
                    List.of(new EvacuationPlan.Assignment(spec, "h1", "h2", 2)), List.of(), Instant.now()));

            HostCommand command = awaitEvent(watch, HostCommand.class, c -> down.incidentId().equals(c.incidentId()));
            assertThat(command.hostId()).isEqualTo("h2");
            assertThat(command.vmId()).isEqualTo(VM);
            assertThat(command.action()).isEqualTo(HostCommand.Action.DEFINE_AND_START);
            assertThat(command.placementGeneration()).isEqualTo(2);
            assertThat(command.issuedBy()).isEqualTo("failover-service");

            publisher.publish(new CommandResult(command.commandId(), "h2", VM, HostCommand.Action.DEFINE_AND_START,
                    CommandResult.Outcome.SUCCEEDED, null, 240, command.incidentId(), Instant.now()));

            RecoveryRecord recovered = awaitEvent(watch, RecoveryRecord.class,
                    r -> r.incidentId().equals(down.incidentId()) && r.status() == RecoveryRecord.Status.RECOVERED);
            assertThat(recovered.vms()).singleElement().satisfies(vm -> {
                assertThat(vm.status()).isEqualTo(RecoveryRecord.VmStatus.STARTED);
                assertThat(vm.toHost()).isEqualTo("h2");
            });
            assertThat(recovered.timeline()).extracting(RecoveryRecord.TimelineEntry::phase).containsExactly(
                    "detected", "unsafe-no-fencing", "evacuation-requested", "plan-received", "start-issued",
                    "vm-started", "recovered");

            assertRestAndMetrics(down.incidentId());

            beating.add("h1");
            HostHealthChange back = awaitEvent(watch, HostHealthChange.class,
                    c -> c.hostId().equals("h1") && c.previous() == HostState.DOWN && c.current() == HostState.ONLINE);
            assertThat(back.evidence()).singleElement().asString().startsWith("heartbeat seq ");
        }
    }

    private void assertRestAndMetrics(String incidentId) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> one = get(http, "/api/v1/incidents/" + incidentId);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains("\"status\":\"RECOVERED\"", "no heartbeat for", "\"phase\":\"vm-started\"");

        HttpResponse<String> list = get(http, "/api/v1/incidents");
        assertThat(list.body()).startsWith("[").contains(incidentId);

        HttpResponse<String> missing = get(http, "/api/v1/incidents/no-such-incident");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(missing.body()).contains("\"incidentId\":\"no-such-incident\"", "No incident with id 'no-such-incident'");

        String scrape = get(http, "/actuator/prometheus").body();
        assertThat(scrape).contains(
                "kvmha_recovery_detect_seconds_bucket", "kvmha_recovery_place_seconds_count",
                "kvmha_recovery_start_seconds_count", "kvmha_recovery_total_seconds_bucket",
                "kvmha_incidents_total{outcome=\"recovered\"} 1.0", "kvmha_failover_hosts{state=\"DOWN\"} 1.0",
                "# HELP kvmha_recovery_total_seconds Time from a host's last heartbeat");
    }

    private HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void heartbeats() {
        long seq = sequence.incrementAndGet();
        for (String host : beating) {
            publisher.publish(new HostHeartbeat(host, seq, Instant.now(), seq * 100, "test",
                    HostHeartbeat.LibvirtConnectivity.CONNECTED, List.of(), false, false));
        }
    }

    private Consumer<?, ?> watcher() {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Consumer<?, ?> consumer = consumers.createConsumer("it-watch", "it-watch", null, overrides);
        consumer.subscribe(List.of(Topic.Names.HOST_HEALTH, Topic.Names.PLACEMENT_REQUESTS, Topic.Names.HOST_COMMANDS,
                Topic.Names.RECOVERIES));
        return consumer;
    }

    private <T> T awaitEvent(Consumer<?, ?> watch, Class<T> type, Predicate<T> match) {
        return await().atMost(Duration.ofSeconds(20)).pollInSameThread().until(() -> {
            watch.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
            return seen.stream().filter(type::isInstance).map(type::cast).filter(match).findFirst().orElse(null);
        }, found -> found != null);
    }
}
