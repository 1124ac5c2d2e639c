package io.kvmha.failover.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.bmc.RedfishBmcEmulator;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.EvacuationPlan;
import io.kvmha.contracts.event.EvacuationRequest;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.testing.SampleEvents;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.FailoverApplication;
import io.kvmha.failover.core.FailoverEngine;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A failover instance stops in the middle of a recovery (one VM started, one start in flight); the next
 * instance reads the recorded incident, re-issues the in-flight start with its own command id, and
 * finishes the incident. The test's "agent" executes each command id once (as real agents do), so the
 * VM is started exactly once.
 */
class ResumeAfterCrashIT {

    @TempDir
    Path dir;

    final Set<String> beating = ConcurrentHashMap.newKeySet();
    final AtomicLong sequence = new AtomicLong();
    final List<Object> seen = new CopyOnWriteArrayList<>();
    /** commandId -> vmId of every DEFINE_AND_START the agent really executed. */
    final Map<String, String> executed = new ConcurrentHashMap<>();

    @Test
    void theNextInstanceFinishesTheIncidentWithoutStartingAnyVmTwice() throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        ScheduledExecutorService agents = Executors.newSingleThreadScheduledExecutor();
        RedfishBmcEmulator bmc = RedfishBmcEmulator.start("fencer", "pw-resume", "h1");
        ConfigurableApplicationContext first = null;
        ConfigurableApplicationContext second = null;
        try (DeadLetterProbe kafka = new DeadLetterProbe(broker.getBrokersAsString())) {
            String[] args = args(broker, bmc);
            first = FailoverApplication.builder().run(args);
            FailoverEngine firstEngine = first.getBean(FailoverEngine.class);
            try (Consumer<?, ?> watch = watcher(first)) {
                beating.addAll(List.of("h1", "h2", "h3"));
                agents.scheduleAtFixedRate(() -> beat(kafka), 0, 100, TimeUnit.MILLISECONDS);
                List.of("h1", "h2", "h3").forEach(h -> kafka.sendEvent(SampleEvents.inventory(h)));
                VmSpec vm1 = spec("11111111-0000-4000-8000-000000000001", Tier.GOLD);
                VmSpec vm2 = spec("22222222-0000-4000-8000-000000000002", Tier.SILVER);
                for (VmSpec vm : List.of(vm1, vm2)) {
                    kafka.sendEvent(vm);
                    kafka.sendEvent(new Placement(vm.vmId(), "h1", 1, List.of(), "test", null, Instant.now()));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> firstEngine.hosts().keySet().containsAll(List.of("h1", "h2", "h3"))
                        && firstEngine.placementsOn("h1").size() == 2);

                beating.remove("h1");
                EvacuationRequest request = awaitEvent(watch, EvacuationRequest.class, r -> r.failedHostIds().contains("h1"));
                kafka.sendEvent(new EvacuationPlan(request.requestId(), request.incidentId(), List.of(
                        new EvacuationPlan.Assignment(vm1, "h1", "h2", 2), new EvacuationPlan.Assignment(vm2, "h1", "h3", 2)),
                        List.of(), Instant.now()));
                HostCommand start1 = awaitEvent(watch, HostCommand.class, c -> c.vmId().equals(vm1.vmId()));
                HostCommand start2 = awaitEvent(watch, HostCommand.class, c -> c.vmId().equals(vm2.vmId()));
                execute(kafka, start1);
                awaitEvent(watch, RecoveryRecord.class, r -> r.incidentId().equals(request.incidentId())
                        && r.vms().stream().anyMatch(v -> v.vmId().equals(vm1.vmId()) && v.status() == RecoveryRecord.VmStatus.STARTED));
                // vm2's agent executes the command, but the instance stops before the result is read.
                executed.put(start2.commandId(), start2.vmId());
                first.close();
                first = null;

                second = FailoverApplication.builder().run(args);
                HostCommand reissued = awaitEvent(watch, HostCommand.class,
                        c -> c.vmId().equals(vm2.vmId()) && c.issuedAt().isAfter(start2.issuedAt()));
                assertThat(reissued.commandId()).isEqualTo(start2.commandId());
                execute(kafka, reissued); // Known command id: the agent answers with its first result, starts nothing.

                RecoveryRecord recovered = awaitEvent(watch, RecoveryRecord.class, r -> r.incidentId().equals(request.incidentId())
                        && r.status() == RecoveryRecord.Status.RECOVERED);
                assertThat(recovered.timeline()).extracting(RecoveryRecord.TimelineEntry::phase)
                        .contains("resumed", "start-reissued", "recovered");
                assertThat(recovered.vms()).allSatisfy(v -> assertThat(v.status()).isEqualTo(RecoveryRecord.VmStatus.STARTED));
                assertThat(executed.values()).as("each VM started exactly once").containsExactlyInAnyOrder(vm1.vmId(), vm2.vmId());
                assertThat(seen).filteredOn(HostCommand.class::isInstance).map(HostCommand.class::cast)
                        .filteredOn(c -> c.action() == HostCommand.Action.DEFINE_AND_START)
                        .extracting(HostCommand::commandId).containsOnly(start1.commandId(), start2.commandId());
            }
        } finally {
            agents.shutdownNow();
            if (first != null) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
            bmc.close();
            broker.destroy();
        }
    }

    private String[] args(EmbeddedKafkaKraftBroker broker, RedfishBmcEmulator bmc) throws Exception {
        Path user = Files.writeString(dir.resolve("user"), "fencer");
        Path password = Files.writeString(dir.resolve("password"), "pw-resume");
        String prefix = "--kvmha.failover.fencing.hosts.h1.redfish.";
        return new String[] {"--server.port=0", "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
            "--kvmha.failover.suspect-after=500ms", "--kvmha.failover.down-after=1s",
            "--spring.kafka.consumer.auto-offset-reset=earliest",
            prefix + "url=" + bmc.systemUri("h1"), prefix + "username-file=" + user, prefix + "password-file=" + password};
    }

    /** The agent's idempotency: a command id it executed before gets its first result again, nothing runs twice. */
    private void execute(DeadLetterProbe kafka, HostCommand command) {
        executed.putIfAbsent(command.commandId(), command.vmId());
        kafka.sendEvent(new CommandResult(command.commandId(), command.hostId(), command.vmId(), command.action(),
                CommandResult.Outcome.SUCCEEDED, null, 200, command.incidentId(), Instant.now()));
    }

    private void beat(DeadLetterProbe kafka) {
        long seq = sequence.incrementAndGet();
        for (String host : beating) {
            kafka.sendEvent(new HostHeartbeat(host, seq, Instant.now(), seq * 100, "test",
                    HostHeartbeat.LibvirtConnectivity.CONNECTED, List.of(), false, false));
        }
    }

    private static VmSpec spec(String vmId, Tier tier) {
        return new VmSpec(vmId, "vm-" + vmId.substring(0, 4), 1, 256, tier, HaPolicy.RESTART, 0, Map.of(), Instant.now());
    }

    private Consumer<?, ?> watcher(ConfigurableApplicationContext context) {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Consumer<?, ?> consumer = context.getBean(ConsumerFactory.class).createConsumer("it-watch", "it-watch", null, overrides);
        consumer.subscribe(List.of(Topic.Names.PLACEMENT_REQUESTS, Topic.Names.HOST_COMMANDS, Topic.Names.RECOVERIES));
        return consumer;
    }

    private <T> T awaitEvent(Consumer<?, ?> watch, Class<T> type, Predicate<T> match) {
        return await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
            watch.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
            return seen.stream().filter(type::isInstance).map(type::cast).filter(match).findFirst().orElse(null);
        }, found -> found != null);
    }
}
