package io.kvmha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.agent.core.FakeHypervisor;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.SelfFencing;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.testing.VirtualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Self-fencing destroys exactly the HA-protected VMs, once, and never in maintenance. */
class SelfFenceGuardTest {

    final VirtualClock clock = new VirtualClock(Instant.parse("2026-11-27T12:00:00Z"));
    final FakeHypervisor hypervisor = new FakeHypervisor();
    final SelfFencing fencing = new SelfFencing(clock, Duration.ofSeconds(10));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    SelfFenceGuard guard;

    @BeforeEach
    void setUp() {
        hypervisor.connect();
        hypervisor.domains.put("ha", new HypervisorDomain("ha", "gold-1", DomainState.RUNNING, HaPolicy.RESTART));
        hypervisor.domains.put("plain", new HypervisorDomain("plain", "scratch", DomainState.RUNNING, HaPolicy.NONE));
        hypervisor.domains.put("foreign", new HypervisorDomain("foreign", "not-ours", DomainState.RUNNING, null));
        hypervisor.domains.put("off", new HypervisorDomain("off", "gold-2", DomainState.SHUTOFF, HaPolicy.RESTART));
        AgentProperties properties = new AgentProperties("h1", "test:///default", Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(1), 100,
                Duration.ofSeconds(10), Map.of(), new AgentProperties.Simulation(false, null, 2, 8, DataSize.ofGigabytes(16)),
                Duration.ofSeconds(10), true, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(2), null,
                new AgentProperties.Guest(null, null), 4, null);
        guard = new SelfFenceGuard(hypervisor, fencing, properties, meters);
    }

    @Test
    void afterTheTimeoutOnlyHaProtectedVmsAreDestroyedOnce() {
        clock.advance(Duration.ofSeconds(9));
        guard.check();
        assertThat(hypervisor.destroys).hasValue(0);

        clock.advance(Duration.ofSeconds(2));
        guard.check();
        guard.check();
        assertThat(hypervisor.destroys).hasValue(1);
        assertThat(hypervisor.domains.get("ha").state()).isEqualTo(DomainState.SHUTOFF);
        assertThat(hypervisor.domains.get("plain").state()).isEqualTo(DomainState.RUNNING);
        assertThat(hypervisor.domains.get("foreign").state()).isEqualTo(DomainState.RUNNING);
        assertThat(fencing.selfFenced()).isTrue();
        assertThat(meters.counter("kvmha.agent.self.fence.destroyed.vms").count()).isEqualTo(1);
    }

    @Test
    void withLibvirtDownTooTheFenceIsRetriedUntilItCanBeCarriedOut() {
        hypervisor.connected = false;
        clock.advance(Duration.ofSeconds(11));
        guard.check();
        assertThat(hypervisor.destroys).hasValue(0);
        hypervisor.connected = true;
        guard.check();
        assertThat(hypervisor.destroys).hasValue(1);
    }

    @Test
    void maintenanceSuspendsSelfFencing() {
        fencing.maintenance(true);
        clock.advance(Duration.ofMinutes(10));
        guard.check();
        assertThat(hypervisor.destroys).hasValue(0);
        assertThat(fencing.selfFenced()).isFalse();
    }
}
