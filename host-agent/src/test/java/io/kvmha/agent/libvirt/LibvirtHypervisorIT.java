package io.kvmha.agent.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kvmha.agent.core.ConnectionType;
import io.kvmha.agent.core.DomainLifecycleChange;
import io.kvmha.agent.core.DomainType;
import io.kvmha.agent.core.DomainXmlBuilder;
import io.kvmha.agent.core.HostDescription;
import io.kvmha.agent.core.HypervisorDomain;
import io.kvmha.agent.core.HypervisorException;
import io.kvmha.agent.core.SimulatedTopology;
import io.kvmha.agent.simulation.TestDriverHostFile;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent.Kind;
import io.kvmha.contracts.event.VmLifecycleEvent.Reason;
import io.kvmha.contracts.event.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libvirt binding against libvirt's real test driver, on simulated host files. */
class LibvirtHypervisorIT {

    @TempDir
    Path dir;
    final List<LibvirtHypervisor> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(LibvirtHypervisor::close);
    }

    LibvirtHypervisor simulatedHost(String hostId) {
        String uri = TestDriverHostFile.write(dir, hostId, new SimulatedTopology(2, 8, 16L << 30));
        LibvirtHypervisor hypervisor = new LibvirtHypervisor(uri, hostId);
        opened.add(hypervisor);
        hypervisor.connect();
        return hypervisor;
    }

    static VmSpec spec(String name) {
        return new VmSpec(UUID.randomUUID().toString(), name, 2, 256, Tier.GOLD, HaPolicy.RESTART, 1, Map.of(),
                Instant.now());
    }

    @Test
    void simulatedHostFileLoadsWithItsCpusAndMemory() {
        LibvirtHypervisor hypervisor = simulatedHost("h1");
        HostDescription host = hypervisor.describeHost();

        assertThat(hypervisor.connectionType()).isEqualTo(ConnectionType.TEST);
        assertThat(hypervisor.domainType()).isEqualTo(DomainType.TEST);
        assertThat(hypervisor.isConnected()).isTrue();
        assertThat(host.cpus()).isEqualTo(16);
        assertThat(host.memoryBytes()).isEqualTo(32L << 30);
        assertThat(host.cpuModel()).isEqualTo("kvmha-simulated");
        assertThat(host.hypervisorType()).isEqualTo("TEST");
        assertThat(host.libvirtVersion()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(host.numaCells()).as("the test driver reports no NUMA cells for custom host files").isEmpty();
        assertThat(hypervisor.listDomains()).isEmpty();
    }

    @Test
    void defineStartDestroyUndefineWithLifecycleEvents() {
        LibvirtHypervisor hypervisor = simulatedHost("h1");
        List<DomainLifecycleChange> changes = new CopyOnWriteArrayList<>();
        hypervisor.addLifecycleListener(changes::add);
        VmSpec spec = spec("web-1");

        assertThat(hypervisor.define(DomainXmlBuilder.toXml(spec, hypervisor.domainType()))).isEqualTo(spec.vmId());
        assertThat(hypervisor.findDomain(spec.vmId())).contains(new HypervisorDomain(spec.vmId(), "web-1", DomainState.SHUTOFF, spec.haPolicy()));
        hypervisor.start(spec.vmId());
        assertThat(hypervisor.listDomains()).containsExactly(new HypervisorDomain(spec.vmId(), "web-1", DomainState.RUNNING, spec.haPolicy()));
        hypervisor.destroy(spec.vmId());
        assertThat(hypervisor.findDomain(spec.vmId()).orElseThrow().state()).isEqualTo(DomainState.SHUTOFF);
        hypervisor.undefine(spec.vmId());
        assertThat(hypervisor.findDomain(spec.vmId())).isEmpty();

        await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() >= 4);
        assertThat(changes).extracting(DomainLifecycleChange::kind)
                .containsExactly(Kind.DEFINED, Kind.STARTED, Kind.STOPPED, Kind.UNDEFINED);
        assertThat(changes.get(1).reason()).isEqualTo(Reason.BOOTED);
        assertThat(changes.get(2).reason()).isEqualTo(Reason.DESTROYED);
        assertThat(changes).allSatisfy(c -> {
            assertThat(c.uuid()).isEqualTo(spec.vmId());
            assertThat(c.name()).isEqualTo("web-1");
        });
    }

    @Test
    void invalidXmlFailsWithLibvirtsOwnMessage() {
        LibvirtHypervisor hypervisor = simulatedHost("h1");
        assertThatThrownBy(() -> hypervisor.define("<domain type='test'><name>x</name><memory>lots</memory></domain>"))
                .isInstanceOf(HypervisorException.class)
                .hasMessageStartingWith("XML error");
        assertThatThrownBy(() -> hypervisor.start(UUID.randomUUID().toString()))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("Domain not found");
    }

    @Test
    void eachSimulatedHostHasItsOwnDomainsAndEvents() {
        LibvirtHypervisor h1 = simulatedHost("h1");
        LibvirtHypervisor h2 = simulatedHost("h2");
        List<DomainLifecycleChange> h2Changes = new CopyOnWriteArrayList<>();
        h2.addLifecycleListener(h2Changes::add);
        List<DomainLifecycleChange> h1Changes = new CopyOnWriteArrayList<>();
        h1.addLifecycleListener(h1Changes::add);

        VmSpec spec = spec("only-on-h1");
        h1.define(DomainXmlBuilder.toXml(spec, DomainType.TEST));
        h1.start(spec.vmId());

        await().atMost(Duration.ofSeconds(5)).until(() -> h1Changes.size() >= 2);
        assertThat(h2.listDomains()).isEmpty();
        assertThat(h2Changes).isEmpty();
    }

    @Test
    void closingTheConnectionReleasesItAndTheSimulatedHostLosesItsDomains() {
        LibvirtHypervisor hypervisor = simulatedHost("h1");
        List<DomainLifecycleChange> changes = new CopyOnWriteArrayList<>();
        hypervisor.addLifecycleListener(changes::add);
        VmSpec spec = spec("web-1");
        hypervisor.define(DomainXmlBuilder.toXml(spec, DomainType.TEST));
        hypervisor.start(spec.vmId());
        hypervisor.listDomains();
        // libvirt holds a connection reference for a moment while it dispatches events; a leaked
        // handle would hold one for ever. Close once the events are through, then count.
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() >= 2);

        hypervisor.close();

        assertThat(hypervisor.isConnected()).isFalse();
        assertThat(hypervisor.referencesLeftAtClose()).as("no leaked domain handle or callback").isZero();
        assertThatThrownBy(hypervisor::listDomains).isInstanceOf(HypervisorException.class).hasMessageContaining("not connected");
        LibvirtHypervisor rebooted = simulatedHost("h1");
        assertThat(rebooted.listDomains()).isEmpty();
    }

    @Test
    void unreachableLibvirtFailsNamingTheUriAndLibvirtsMessage() {
        LibvirtHypervisor hypervisor = new LibvirtHypervisor("qemu+tcp://127.0.0.1:1/system", "h9");
        opened.add(hypervisor);
        assertThatThrownBy(hypervisor::connect)
                .isInstanceOf(HypervisorException.class)
                .hasMessageStartingWith("cannot connect to libvirt at qemu+tcp://127.0.0.1:1/system: ")
                .hasMessageContaining("127.0.0.1");
        assertThat(hypervisor.isConnected()).isFalse();
    }

    @Test
    void qemuGuestsAreKvmWhereKvmWorksElseEmulated() {
        assertThat(LibvirtHypervisor.decideDomainType(ConnectionType.QEMU, true)).isEqualTo(DomainType.KVM);
        assertThat(LibvirtHypervisor.decideDomainType(ConnectionType.QEMU, false)).isEqualTo(DomainType.QEMU);
        assertThat(LibvirtHypervisor.decideDomainType(ConnectionType.TEST, true)).isEqualTo(DomainType.TEST);
    }
}
