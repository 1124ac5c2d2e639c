package io.kvmha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.agent.core.Hypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostCommand.Action;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.topic.Topic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * Agents started the way the system tests start them (several in one JVM, programmatically) on
 * simulated hosts and a real broker: commands, idempotency, heartbeats, inventory, lifecycle events,
 * an unreachable libvirt, and closing an agent as a simulated power loss.
 */
@EmbeddedKafka(partitions = 1)
class HostAgentIT {

    private final List<ConfigurableApplicationContext> agents = new ArrayList<>();
    private final AtomicInteger h1Starts = new AtomicInteger();
    /** The agents' state directory (command journals, one file per host), kept across h1's simulated power loss. */
    @TempDir
    Path stateDir;

    @AfterEach
    void stopAgents() {
        agents.forEach(ConfigurableApplicationContext::close);
    }

    ConfigurableApplicationContext agent(String brokers, String hostId, String... extra) {
        List<String> args = new ArrayList<>(List.of("--kvmha.agent.host-id=" + hostId, "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + brokers, "--kvmha.agent.reconnect-initial-backoff=100ms",
                "--kvmha.agent.reconnect-max-backoff=500ms", "--kvmha.agent.state-dir=" + stateDir));
        args.addAll(List.of(extra));
        // Counts real starts, to prove a redelivered command does not start the domain twice.
        ConfigurableApplicationContext context = TestAgents.start(args, hostId.equals("h1") ? h1Starts : null);
        agents.add(context);
        return context;
    }

    static HostCommand command(String hostId, Action action, VmSpec spec, String vmId, Instant deadline) {
        return new HostCommand(UUID.randomUUID().toString(), hostId, vmId, action, spec, 1, "inc-7",
                "host-agent-it", Instant.now(), deadline);
    }

    @Test
    void agentsOnSimulatedHostsExecuteCommandsOnceAndReportWhatRuns(EmbeddedKafkaBroker broker) throws Exception {
        String brokers = broker.getBrokersAsString();
        ConfigurableApplicationContext h1 = agent(brokers, "h1", "--kvmha.agent.simulation.enabled=true",
                "--kvmha.agent.labels.rack=r1");
        ConfigurableApplicationContext h2 = agent(brokers, "h2", "--kvmha.agent.simulation.enabled=true",
                "--kvmha.agent.simulation.numa-cells=1", "--kvmha.agent.simulation.memory-per-cell=8589934592");
        ConfigurableApplicationContext h3 = agent(brokers, "h3", "--kvmha.agent.libvirt-uri=qemu+tcp://127.0.0.1:1/system");

        try (var tap = new EventTap(brokers, Topic.COMMAND_RESULTS, Topic.HOST_HEARTBEATS, Topic.HOST_INVENTORY,
                Topic.VM_EVENTS);
             DeadLetterProbe probe = new DeadLetterProbe(brokers)) {

            // Inventory: simulated topology from configuration.
            await().atMost(Duration.ofSeconds(20)).until(() -> !tap.all(HostInventory.class, i -> i.hostId().equals("h2")).isEmpty());
            HostInventory h1Inventory = await().atMost(Duration.ofSeconds(20))
                    .until(() -> tap.all(HostInventory.class, i -> i.hostId().equals("h1")), l -> !l.isEmpty()).get(0);
            assertThat(h1Inventory.simulated()).isTrue();
            assertThat(h1Inventory.numaCells()).hasSize(2);
            assertThat(h1Inventory.cpus()).isEqualTo(16);
            assertThat(h1Inventory.memoryBytes()).isEqualTo(32L << 30);
            assertThat(h1Inventory.labels()).containsEntry("rack", "r1");
            assertThat(h1Inventory.libvirtUri()).startsWith("test:///");
            assertThat(tap.all(HostInventory.class, i -> i.hostId().equals("h2")).get(0).memoryBytes()).isEqualTo(8L << 30);

            // The same DEFINE_AND_START delivered twice: started once, the same result twice.
            VmSpec spec = new VmSpec(UUID.randomUUID().toString(), "web-1", 2, 512, Tier.GOLD, HaPolicy.RESTART, 10,
                    Map.of(), Instant.now());
            HostCommand start = command("h1", Action.DEFINE_AND_START, spec, spec.vmId(), Instant.now().plusSeconds(60));
            probe.sendEvent(start);
            probe.sendEvent(start);

            List<CommandResult> results = await().atMost(Duration.ofSeconds(20))
                    .until(() -> tap.all(CommandResult.class, r -> r.commandId().equals(start.commandId())), l -> l.size() == 2);
            assertThat(results.get(0)).isEqualTo(results.get(1));
            assertThat(results.get(0).outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(results.get(0).hostId()).isEqualTo("h1");
            assertThat(results.get(0).incidentId()).isEqualTo("inc-7");
            assertThat(h1Starts).hasValue(1);

            // What the lead's system test asks: the domains running on h1's hypervisor; none on h2.
            assertThat(h1.getBean(Hypervisor.class).listDomains())
                    .containsExactly(new HypervisorDomain(spec.vmId(), "web-1", DomainState.RUNNING, spec.haPolicy()));
            assertThat(h2.getBean(Hypervisor.class).listDomains()).isEmpty();

            // Heartbeats carry the running domain.
            await().atMost(Duration.ofSeconds(10)).until(() -> !tap.all(HostHeartbeat.class, hb -> hb.hostId().equals("h1")
                    && hb.libvirt() == HostHeartbeat.LibvirtConnectivity.CONNECTED
                    && hb.domains().contains(new HostHeartbeat.DomainStatus(spec.vmId(), "web-1", DomainState.RUNNING))).isEmpty());

            // Lifecycle events, attributed to the command that caused them.
            List<VmLifecycleEvent> events = await().atMost(Duration.ofSeconds(10))
                    .until(() -> tap.all(VmLifecycleEvent.class, e -> e.vmId().equals(spec.vmId())), l -> l.size() >= 2);
            assertThat(events).extracting(VmLifecycleEvent::kind)
                    .containsExactly(VmLifecycleEvent.Kind.DEFINED, VmLifecycleEvent.Kind.STARTED);
            assertThat(events.get(1).reason()).isEqualTo(VmLifecycleEvent.Reason.BOOTED);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.hostId()).isEqualTo("h1");
                assertThat(e.commandId()).isEqualTo(start.commandId());
            });

            // Past its deadline: REJECTED with the reason. Unknown domain: FAILED with libvirt's message.
            HostCommand late = command("h1", Action.START, null, spec.vmId(), Instant.now().minusSeconds(1));
            HostCommand unknown = command("h1", Action.START, null, UUID.randomUUID().toString(), Instant.now().plusSeconds(60));
            HostCommand toH3 = command("h3", Action.START, null, spec.vmId(), Instant.now().plusSeconds(60));
            probe.sendEvent(late);
            probe.sendEvent(unknown);
            probe.sendEvent(toH3);
            CommandResult rejected = await().atMost(Duration.ofSeconds(10)).until(
                    () -> tap.all(CommandResult.class, r -> r.commandId().equals(late.commandId())), l -> !l.isEmpty()).get(0);
            assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(rejected.error()).contains("past its deadline");
            CommandResult failed = await().atMost(Duration.ofSeconds(10)).until(
                    () -> tap.all(CommandResult.class, r -> r.commandId().equals(unknown.commandId())), l -> !l.isEmpty()).get(0);
            assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(failed.error()).contains("Domain not found");

            // h3 cannot reach its libvirt: it keeps heartbeating DISCONNECTED and fails commands clearly.
            await().atMost(Duration.ofSeconds(10)).until(() -> !tap.all(HostHeartbeat.class, hb -> hb.hostId().equals("h3")
                    && hb.libvirt() == HostHeartbeat.LibvirtConnectivity.DISCONNECTED).isEmpty());
            CommandResult h3Result = await().atMost(Duration.ofSeconds(10)).until(
                    () -> tap.all(CommandResult.class, r -> r.commandId().equals(toH3.commandId())), l -> !l.isEmpty()).get(0);
            assertThat(h3Result.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(h3Result.error()).contains("not connected to libvirt at qemu+tcp://127.0.0.1:1/system");
            assertThat(tap.all(CommandResult.class, r -> r.commandId().equals(toH3.commandId()) && !r.hostId().equals("h3")))
                    .as("other agents ignore h3's command").isEmpty();

            // Each agent serves its own metrics.
            String port = h2.getEnvironment().getProperty("local.server.port");
            String scrape = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(scrape).contains("kvmha_agent_libvirt_connected{host=\"h2\"} 1.0")
                    .containsPattern("kvmha_agent_heartbeats_total\\{host=\"h2\",result=\"sent\"\\} [1-9]");

            // Closing h1's context is its power loss: connection closed, its domains gone with it.
            Hypervisor h1Hypervisor = h1.getBean(Hypervisor.class);
            h1.close();
            assertThat(h1Hypervisor.isConnected()).isFalse();
            assertThat(h2.getBean(Hypervisor.class).isConnected()).isTrue();
            assertThat(h3.isActive()).isTrue();

            // h1 back from the power loss with its state directory: the start delivered again (as an uncommitted
            // record would be) is answered from the command journal, not executed a second time.
            int startCallsBefore = h1Starts.get();
            agent(brokers, "h1", "--kvmha.agent.simulation.enabled=true");
            probe.sendEvent(start);
            List<CommandResult> afterRestart = await().atMost(Duration.ofSeconds(20))
                    .until(() -> tap.all(CommandResult.class, r -> r.commandId().equals(start.commandId())), l -> l.size() == 3);
            assertThat(afterRestart.get(2)).isEqualTo(results.get(0));
            assertThat(h1Starts).as("not started again after the restart").hasValue(startCallsBefore);
        }
    }
}
