package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Placement.NumaClaim;
import io.kvmha.contracts.event.Placement.Pin;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The placement's NUMA claims appear in the domain XML exactly as claimed. */
class NumaDomainXmlTest {

    static final VmSpec SPEC = new VmSpec("7b0c6c2e-4f0e-4b1a-9d0e-2f7a4c1b9e01", "db-1", 4, 4096, Tier.GOLD,
            HaPolicy.RESTART, 10, Map.of(), Instant.parse("2026-11-27T12:00:00Z"));

    @Test
    void dedicatedCpusOnTwoHostCellsWithHugepages() {
        List<NumaClaim> claims = List.of(
                new NumaClaim(0, 1, List.of(0, 1), 2048, List.of(8, 9), List.of(new Pin(0, 8), new Pin(1, 9)), List.of(),
                        2048L, 1024L),
                new NumaClaim(1, 0, List.of(2, 3), 2048, List.of(2, 3), List.of(new Pin(2, 2), new Pin(3, 3)), List.of(),
                        2048L, 1024L));
        String xml = DomainXmlBuilder.toXml(SPEC, DomainType.KVM, claims);

        assertThat(xml).contains(
                "<cell id='0' cpus='0-1' memory='2048' unit='MiB'/>",
                "<cell id='1' cpus='2-3' memory='2048' unit='MiB'/>",
                "<memory mode='strict' nodeset='0-1'/>",
                "<memnode cellid='0' mode='strict' nodeset='1'/>",
                "<memnode cellid='1' mode='strict' nodeset='0'/>",
                "<vcpupin vcpu='0' cpuset='8'/>", "<vcpupin vcpu='1' cpuset='9'/>",
                "<vcpupin vcpu='2' cpuset='2'/>", "<vcpupin vcpu='3' cpuset='3'/>",
                "<page size='2048' unit='KiB' nodeset='0'/>", "<page size='2048' unit='KiB' nodeset='1'/>");
    }

    @Test
    void sharedCpusFloatOverTheClaimedCpuset() {
        List<NumaClaim> claims = List.of(new NumaClaim(0, 0, List.of(0, 1, 2, 3), 4096, List.of(0, 1, 2, 3, 6, 7),
                List.of(), List.of(), null, null));
        String xml = DomainXmlBuilder.toXml(SPEC, DomainType.KVM, claims);

        assertThat(xml).contains("<vcpupin vcpu='3' cpuset='0-3,6-7'/>", "<memnode cellid='0' mode='strict' nodeset='0'/>")
                .doesNotContain("memoryBacking");
    }

    @Test
    void withoutClaimsThereIsNoNumaTuning() {
        assertThat(DomainXmlBuilder.toXml(SPEC, DomainType.KVM, List.of()))
                .doesNotContain("numatune", "cputune", "<numa>", "memoryBacking")
                .isEqualTo(DomainXmlBuilder.toXml(SPEC, DomainType.KVM));
    }

    @Test
    void rangesAreCompact() {
        assertThat(DomainXmlBuilder.ranges(List.of(3, 0, 1, 2, 8, 10, 11))).isEqualTo("0-3,8,10-11");
        assertThat(DomainXmlBuilder.ranges(List.of(5))).isEqualTo("5");
    }
}
