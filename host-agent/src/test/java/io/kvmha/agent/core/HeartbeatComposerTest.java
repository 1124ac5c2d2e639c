package io.kvmha.agent.core;

import io.kvmha.contracts.testing.VirtualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HostHeartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatComposerTest {

    @Test
    void sequenceStartsAtOneAndCarriesUptimeAndEveryDomain() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-11-27T12:00:00Z"));
        HeartbeatComposer composer = new HeartbeatComposer("h1", "1.2.3", clock);
        List<HypervisorDomain> domains = List.of(
                new HypervisorDomain("a", "web-1", DomainState.RUNNING),
                new HypervisorDomain("b", "web-2", DomainState.SHUTOFF),
                new HypervisorDomain("c", "web-3", DomainState.PAUSED));

        HostHeartbeat first = composer.next(true, domains);
        clock.advance(Duration.ofMillis(500));
        HostHeartbeat second = composer.next(false, domains);

        assertThat(first.sequence()).isEqualTo(1);
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(second.agentUptimeMs()).isEqualTo(500);
        assertThat(first.agentVersion()).isEqualTo("1.2.3");
        assertThat(first.libvirt()).isEqualTo(HostHeartbeat.LibvirtConnectivity.CONNECTED);
        assertThat(second.libvirt()).isEqualTo(HostHeartbeat.LibvirtConnectivity.DISCONNECTED);
        assertThat(first.domains()).extracting(HostHeartbeat.DomainStatus::vmId).containsExactly("a", "b", "c");
        assertThat(first.domains().get(1).state()).isEqualTo(DomainState.SHUTOFF);
        assertThat(composer.next(true, domains, true, true)).extracting(HostHeartbeat::selfFenced, HostHeartbeat::maintenance)
                .containsExactly(true, true);
        assertThat(first.domains().get(0).state()).isEqualTo(DomainState.RUNNING);
    }

    @Test
    void domainsAreCompleteOnlyWhenTheListingIsAndLibvirtIsConnected() {
        HeartbeatComposer composer = new HeartbeatComposer("h1", "1.2.3", new VirtualClock(Instant.parse("2026-11-27T12:00:00Z")));

        assertThat(composer.next(true, List.of(), false, false, false).domainsComplete()).isFalse();
        assertThat(composer.next(true, List.of(), true, false, false).domainsComplete()).isTrue();
        assertThat(composer.next(false, List.of(), true, false, false).domainsComplete()).isFalse();
        assertThat(composer.next(true, List.of()).domainsComplete()).as("callers that do not know").isFalse();
    }
}
