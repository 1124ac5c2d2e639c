package io.kvmha.agent.reallibvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvmha.agent.EventTap;
import io.kvmha.agent.TestAgents;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.CommandResult.Outcome;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostCommand.Action;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmLifecycleEvent.Kind;
import io.kvmha.contracts.event.VmLifecycleEvent.Reason;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.testing.DeadLetterProbe;
import io.kvmha.contracts.topic.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * The agent against real libvirtd hosts ({@code qemu:///system} of two testbed hosts, each in its own
 * namespaces) with tiny disk-less guests (KVM where /dev/kvm works, TCG otherwise): define, start,
 * destroy and crash with their lifecycle events, a duplicate start command, libvirtd killed and
 * restarted with a stop the agent missed, and a live migration between the two hosts. Needs root;
 * says on standard output whether it runs, and why not.
 */
@EmbeddedKafka(partitions = 1)
class RealLibvirtdIT {

    private static final String TAG = "[real-libvirtd] RealLibvirtdIT";
    private static LibvirtTestbed testbed;
    private final List<ConfigurableApplicationContext> agents = new ArrayList<>();
    private final AtomicInteger starts = new AtomicInteger();

    @BeforeAll
    static void startHosts() {
        var why = LibvirtTestbed.whyUnavailable();
        if (why.isPresent()) {
            System.out.println(TAG + " SKIPPED: " + why.get());
            Assumptions.abort(why.get());
        }
        System.out.println(TAG + " RUNS: starting 2 real libvirtd hosts with " + LibvirtTestbed.SCRIPT
                + " (/dev/kvm " + (Files.isWritable(Path.of("/dev/kvm")) ? "present: KVM guests" : "missing: TCG guests") + ")");
        testbed = LibvirtTestbed.up(2);
    }

    @AfterAll
    static void stopHosts() {
        if (testbed != null) {
            testbed.close();
            System.out.println(TAG + " testbed torn down");
        }
    }

    /** The agents' command journals (not /var/lib/kvmha-agent of the machine running the tests). */
    @TempDir
    Path stateDir;

    @AfterEach
    void stopAgents() {
        agents.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext agent(String brokers, String host, String... extra) {
        List<String> args = new ArrayList<>(List.of("--kvmha.agent.host-id=" + host, "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + brokers, "--kvmha.agent.libvirt-uri=" + testbed.uri(host),
                "--kvmha.agent.metrics-interval=1s", "--kvmha.agent.state-dir=" + stateDir));
        args.addAll(List.of(extra));
        // Counts real starts, to prove a redelivered command does not start the domain twice.
        ConfigurableApplicationContext context = TestAgents.start(args, starts);
        agents.add(context);
        return context;
    }

    private static VmSpec spec(String name) {
        return new VmSpec(UUID.randomUUID().toString(), name, 1, 64, Tier.GOLD, HaPolicy.RESTART, 10, Map.of(),
                Instant.now());
    }

    private static HostCommand command(String host, Action action, VmSpec spec, String vmId) {
        return new HostCommand(UUID.randomUUID().toString(), host, vmId, action, spec, 1, null, "real-libvirtd-it",
                Instant.now(), Instant.now().plusSeconds(60));
    }

    private static CommandResult finalResult(EventTap tap, HostCommand command) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> tap.all(CommandResult.class, r -> r.commandId().equals(command.commandId()) && r.isFinal()),
                        l -> !l.isEmpty()).get(0);
    }

    private static List<VmLifecycleEvent> events(EventTap tap, String vmId, Kind kind) {
        return tap.all(VmLifecycleEvent.class, e -> e.vmId().equals(vmId) && e.kind() == kind);
    }

    @Test
    void defineStartDuplicateDestroyCrashAndBadXmlOnRealLibvirtd(EmbeddedKafkaBroker broker) throws Exception {
        String brokers = broker.getBrokersAsString();
        agent(brokers, "h1");
        try (var tap = new EventTap(brokers, Topic.COMMAND_RESULTS, Topic.HOST_HEARTBEATS, Topic.HOST_INVENTORY,
                Topic.VM_EVENTS, Topic.METRICS);
             DeadLetterProbe probe = new DeadLetterProbe(brokers)) {

            HostInventory inventory = await().atMost(Duration.ofSeconds(20))
                    .until(() -> tap.all(HostInventory.class, i -> i.hostId().equals("h1")), l -> !l.isEmpty()).get(0);
            assertThat(inventory.simulated()).isFalse();
            assertThat(inventory.hypervisorType()).isEqualTo("QEMU");
            assertThat(inventory.numaCells()).isNotEmpty();
            assertThat(inventory.hostUuid()).isEqualTo("6b766d68-6100-4000-8000-000000000001");
            System.out.println(TAG + " inventory: " + inventory.cpus() + " cpus, " + (inventory.memoryBytes() >> 20)
                    + " MiB, " + inventory.numaCells().size() + " NUMA cell(s), libvirt " + inventory.libvirtVersion()
                    + ", QEMU " + inventory.hypervisorVersion());

            // The same start command twice: one domain start, the same result twice. Its placement pins
            // vCPU 0 to host CPU 1 in host NUMA cell 0.
            VmSpec spec = spec("it-web-1");
            probe.sendEvent(new Placement(spec.vmId(), "h1", 1, List.of(0), "test", null, Instant.now(),
                    List.of(new Placement.NumaClaim(0, 0, List.of(0), 64, List.of(1), List.of(new Placement.Pin(0, 1)),
                            List.of(), null, null))));
            HostCommand start = command("h1", Action.DEFINE_AND_START, spec, spec.vmId());
            probe.sendEvent(start);
            probe.sendEvent(start);
            List<CommandResult> results = await().atMost(Duration.ofSeconds(30))
                    .until(() -> tap.all(CommandResult.class, r -> r.commandId().equals(start.commandId())), l -> l.size() == 2);
            assertThat(results.get(0).outcome()).as(results.get(0).toString()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(results.get(1)).isEqualTo(results.get(0));
            assertThat(starts).hasValue(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !events(tap, spec.vmId(), Kind.STARTED).isEmpty());
            VmLifecycleEvent started = events(tap, spec.vmId(), Kind.STARTED).get(0);
            assertThat(started.reason()).isEqualTo(Reason.BOOTED);
            assertThat(started.commandId()).isEqualTo(start.commandId());
            assertThat(events(tap, spec.vmId(), Kind.STARTED)).hasSize(1);
            assertThat(testbed.virsh("h1", "dominfo", spec.vmId())).containsPattern("State:\\s+running")
                    .containsPattern("Autostart:\\s+disable");
            assertThat(testbed.virsh("h1", "dumpxml", spec.vmId())).contains("<vcpupin vcpu='0' cpuset='1'/>",
                    "<memnode cellid='0' mode='strict' nodeset='0'/>");
            assertThat(testbed.virsh("h1", "vcpupin", spec.vmId())).containsPattern("0\\s+1");
            await().atMost(Duration.ofSeconds(10)).until(() -> !tap.all(HostHeartbeat.class, h -> h.hostId().equals("h1")
                    && h.domains().contains(new HostHeartbeat.DomainStatus(spec.vmId(), "it-web-1", DomainState.RUNNING))).isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> !tap.all(MetricSampleBatch.class, b -> b.samples().stream()
                    .anyMatch(s -> s.name().equals("libvirt_domain_info_cpu_time_seconds_total")
                            && spec.vmId().equals(s.labels().get("uuid")))).isEmpty());

            // A requested stop is DESTROYED, with the command that asked for it.
            HostCommand destroy = command("h1", Action.DESTROY, null, spec.vmId());
            probe.sendEvent(destroy);
            assertThat(finalResult(tap, destroy).outcome()).isEqualTo(Outcome.SUCCEEDED);
            await().atMost(Duration.ofSeconds(10)).until(() -> !events(tap, spec.vmId(), Kind.STOPPED).isEmpty());
            VmLifecycleEvent stopped = events(tap, spec.vmId(), Kind.STOPPED).get(0);
            assertThat(stopped.reason()).isEqualTo(Reason.DESTROYED);
            assertThat(stopped.commandId()).isEqualTo(destroy.commandId());
            // Defined but stopped: still in the heartbeat, as SHUTOFF.
            await().atMost(Duration.ofSeconds(10)).until(() -> !tap.all(HostHeartbeat.class, h -> h.hostId().equals("h1")
                    && h.domains().contains(new HostHeartbeat.DomainStatus(spec.vmId(), "it-web-1", DomainState.SHUTOFF))).isEmpty());

            // A crash (QEMU killed behind libvirt's back) is not a requested stop.
            HostCommand again = command("h1", Action.START, null, spec.vmId());
            probe.sendEvent(again);
            assertThat(finalResult(tap, again).outcome()).isEqualTo(Outcome.SUCCEEDED);
            long qemuPid = Long.parseLong(Files.readString(LibvirtTestbed.DIR.resolve("h1/run/qemu/it-web-1.pid")).trim());
            ProcessHandle.of(qemuPid).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> events(tap, spec.vmId(), Kind.STOPPED).size() == 2);
            VmLifecycleEvent crashed = events(tap, spec.vmId(), Kind.STOPPED).get(1);
            assertThat(crashed.reason()).isIn(Reason.FAILED, Reason.CRASHED);
            assertThat(crashed.commandId()).isNull();

            // XML libvirt rejects: a FAILED result carrying libvirt's own error.
            VmSpec bad = spec("bad/name");
            HostCommand rejected = command("h1", Action.DEFINE_AND_START, bad, bad.vmId());
            probe.sendEvent(rejected);
            CommandResult failed = finalResult(tap, rejected);
            assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(failed.error()).contains("bad/name");
            System.out.println(TAG + " libvirt rejected a domain: " + failed.error());

            HostCommand undefine = command("h1", Action.UNDEFINE, null, spec.vmId());
            probe.sendEvent(undefine);
            assertThat(finalResult(tap, undefine).outcome()).isEqualTo(Outcome.SUCCEEDED);
        }
    }

    @Test
    void stopMissedWhileLibvirtdWasDownIsPublishedAfterReconnecting(EmbeddedKafkaBroker broker) throws Exception {
        String brokers = broker.getBrokersAsString();
        // A long, fixed backoff: once the agent has failed to reconnect, the test has seconds to
        // restart libvirtd and stop a VM before the agent is connected again.
        ConfigurableApplicationContext agent = agent(brokers, "h1", "--kvmha.agent.reconnect-initial-backoff=6s",
                "--kvmha.agent.reconnect-max-backoff=6s", "--kvmha.agent.connection-check-interval=200ms");
        try (var tap = new EventTap(brokers, Topic.COMMAND_RESULTS, Topic.HOST_HEARTBEATS, Topic.VM_EVENTS);
             DeadLetterProbe probe = new DeadLetterProbe(brokers)) {
            VmSpec a = spec("it-keep");
            VmSpec b = spec("it-lost");
            for (VmSpec s : List.of(a, b)) {
                HostCommand start = command("h1", Action.DEFINE_AND_START, s, s.vmId());
                probe.sendEvent(start);
                assertThat(finalResult(tap, start).outcome()).isEqualTo(Outcome.SUCCEEDED);
            }
            MeterRegistry meters = agent.getBean(MeterRegistry.class);
            double failuresBefore = meters.counter("kvmha.agent.libvirt.connect.failures").count();

            // Both settled (libvirtd killed in the middle of a start kills that guest on restart).
            await().atMost(Duration.ofSeconds(10)).until(() -> !tap.all(HostHeartbeat.class, h -> h.hostId().equals("h1")
                    && h.domains().contains(new HostHeartbeat.DomainStatus(a.vmId(), a.name(), DomainState.RUNNING))
                    && h.domains().contains(new HostHeartbeat.DomainStatus(b.vmId(), b.name(), DomainState.RUNNING))).isEmpty());
            // Someone turns autostart on for an HA-protected VM: the agent turns it off when it reconnects.
            testbed.virsh("h1", "autostart", a.vmId());
            testbed.killLibvirtd("h1");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> meters.counter("kvmha.agent.libvirt.connect.failures").count() > failuresBefore);
            await().atMost(Duration.ofSeconds(5)).until(() -> !tap.all(HostHeartbeat.class, h -> h.hostId().equals("h1")
                    && h.libvirt() == HostHeartbeat.LibvirtConnectivity.DISCONNECTED).isEmpty());
            // Outage, as the agent sees it: libvirtd back, the agent still waiting to retry; a VM is stopped
            // by a direct libvirt call meanwhile, so the agent's connection never hears of it.
            testbed.startLibvirtd("h1");
            try {
                testbed.virsh("h1", "destroy", b.vmId());
            } catch (IllegalStateException e) {
                // libvirtd may have lost the guest over its own restart (its QEMU gone): stopped behind the agent's
                // back all the same, which is what this test is about.
                if (!String.valueOf(e.getMessage()).contains("domain is not running")) {
                    throw e;
                }
            }
            System.out.println(TAG + " killed libvirtd, restarted it and destroyed " + b.name() + " behind the agent's back");

            await().atMost(Duration.ofSeconds(20)).until(() -> events(tap, b.vmId(), Kind.STOPPED).size() == 1);
            VmLifecycleEvent missed = events(tap, b.vmId(), Kind.STOPPED).get(0);
            assertThat(missed.reconciled()).isTrue();
            assertThat(missed.hostId()).isEqualTo("h1");
            assertThat(events(tap, a.vmId(), Kind.STOPPED)).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> !tap.all(HostHeartbeat.class, h -> h.hostId().equals("h1")
                    && h.libvirt() == HostHeartbeat.LibvirtConnectivity.CONNECTED
                    && h.domains().contains(new HostHeartbeat.DomainStatus(a.vmId(), a.name(), DomainState.RUNNING))
                    && h.domains().contains(new HostHeartbeat.DomainStatus(b.vmId(), b.name(), DomainState.SHUTOFF))).isEmpty());
            await().atMost(Duration.ofSeconds(5)).until(() -> testbed.virsh("h1", "dominfo", a.vmId())
                    .matches("(?s).*Autostart:\\s+disable.*"));
            testbed.virsh("h1", "destroy", a.vmId());
            testbed.virsh("h1", "undefine", a.vmId());
            testbed.virsh("h1", "undefine", b.vmId());
        }
    }

    @Test
    void liveMigrationBetweenTwoLibvirtdHosts(EmbeddedKafkaBroker broker) throws Exception {
        String brokers = broker.getBrokersAsString();
        agent(brokers, "h1");
        agent(brokers, "h2");
        try (var tap = new EventTap(brokers, Topic.COMMAND_RESULTS, Topic.HOST_HEARTBEATS, Topic.VM_EVENTS);
             DeadLetterProbe probe = new DeadLetterProbe(brokers)) {
            VmSpec spec = spec("it-mover");
            HostCommand start = command("h1", Action.DEFINE_AND_START, spec, spec.vmId());
            probe.sendEvent(start);
            assertThat(finalResult(tap, start).outcome()).isEqualTo(Outcome.SUCCEEDED);

            HostCommand migrate = new HostCommand(UUID.randomUUID().toString(), "h1", spec.vmId(), Action.MIGRATE, null,
                    1, null, "real-libvirtd-it", Instant.now(), Instant.now().plusSeconds(60),
                    new HostCommand.Migration("h2", testbed.migrationUri("h2"), 0, 300), null);
            probe.sendEvent(migrate);
            CommandResult result = finalResult(tap, migrate);
            assertThat(result.outcome()).as(String.valueOf(result.error())).isEqualTo(Outcome.SUCCEEDED);
            List<CommandResult> progress = tap.all(CommandResult.class,
                    r -> r.commandId().equals(migrate.commandId()) && !r.isFinal());
            assertThat(progress).allSatisfy(p -> assertThat(p.progressPercent()).isBetween(0, 100));
            System.out.println(TAG + " live migration h1 -> h2 took " + result.durationMs() + " ms, "
                    + progress.size() + " progress report(s)");

            await().atMost(Duration.ofSeconds(20)).until(() -> !tap.all(VmLifecycleEvent.class, e -> e.vmId().equals(spec.vmId())
                    && e.hostId().equals("h2") && e.kind() == Kind.STARTED && e.reason() == Reason.MIGRATED).isEmpty());
            await().atMost(Duration.ofSeconds(20)).until(() -> !tap.all(VmLifecycleEvent.class, e -> e.vmId().equals(spec.vmId())
                    && e.hostId().equals("h1") && e.kind() == Kind.STOPPED && e.reason() == Reason.MIGRATED).isEmpty());
            assertThat(testbed.virsh("h2", "dominfo", spec.vmId())).containsPattern("State:\\s+running")
                    .containsPattern("Persistent:\\s+yes");
            assertThat(testbed.virsh("h1", "list", "--all", "--uuid")).doesNotContain(spec.vmId());
            testbed.virsh("h2", "destroy", spec.vmId());
            testbed.virsh("h2", "undefine", spec.vmId());
        }
    }
}
