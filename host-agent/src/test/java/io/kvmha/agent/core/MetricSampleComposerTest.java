package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.testing.VirtualClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricSampleComposerTest {

    @Test
    void namesFollowTheLibvirtExporterInBaseUnits() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-11-27T12:00:00Z"));
        HostDescription host = new HostDescription("u", "m", 4, 8L << 30,
                List.of(new HostInventory.NumaCell(0, 4L << 30, 1L << 30, List.of(), List.of()),
                        new HostInventory.NumaCell(1, 4L << 30, 2L << 30, List.of(), List.of())),
                "QEMU", "9.0.0", "7.2.0");
        DomainStats vm = new DomainStats("id-1", "web-1", DomainState.RUNNING, 2_500_000_000L, 2, 65536, 32768,
                Map.of("actual", 32768L, "rss", 1000L, "last_update", 5L),
                Map.of("vda", new DomainStats.BlockCounters(1, 512, 2, 1024, 0)),
                Map.of("vnet0", new DomainStats.InterfaceCounters(100, 1, 0, 0, 200, 2, 0, 0)));

        MetricSampleBatch batch = new MetricSampleComposer("h1", clock).compose(true, host, List.of(vm));

        assertThat(batch.hostId()).isEqualTo("h1");
        assertThat(value(batch, "libvirt_up", Map.of())).isEqualTo(1);
        assertThat(value(batch, "kvmha_host_memory_free_bytes", Map.of())).isEqualTo(3L << 30);
        assertThat(value(batch, "libvirt_domain_info_cpu_time_seconds_total", Map.of("uuid", "id-1", "domain", "web-1")))
                .isEqualTo(2.5);
        assertThat(value(batch, "libvirt_domain_info_virtual_cpus", Map.of("uuid", "id-1"))).isEqualTo(2);
        assertThat(value(batch, "libvirt_domain_info_maximum_memory_bytes", Map.of("uuid", "id-1"))).isEqualTo(64 << 20);
        assertThat(value(batch, "libvirt_domain_info_memory_usage_bytes", Map.of("uuid", "id-1"))).isEqualTo(32 << 20);
        assertThat(value(batch, "libvirt_domain_info_state", Map.of("uuid", "id-1"))).isEqualTo(1);
        assertThat(value(batch, "libvirt_domain_memory_stats_actual_balloon_bytes", Map.of("uuid", "id-1"))).isEqualTo(32 << 20);
        assertThat(value(batch, "libvirt_domain_block_stats_write_bytes_total", Map.of("target_device", "vda"))).isEqualTo(1024);
        assertThat(value(batch, "libvirt_domain_interface_stats_transmit_bytes_total", Map.of("target_device", "vnet0")))
                .isEqualTo(200);
        assertThat(batch.samples()).noneMatch(s -> s.name().contains("last_update"));
        assertThat(batch.samples()).allMatch(s -> "h1".equals(s.labels().get("host")));
    }

    @Test
    void withoutLibvirtOnlyTheUpSampleIsSent() {
        MetricSampleBatch batch = new MetricSampleComposer("h1", new VirtualClock(Instant.EPOCH)).compose(false, null, List.of());
        assertThat(batch.samples()).extracting(MetricSampleBatch.Sample::name).containsExactly("libvirt_up");
        assertThat(batch.samples().get(0).value()).isZero();
    }

    static double value(MetricSampleBatch batch, String name, Map<String, String> labels) {
        return batch.samples().stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + labels)).value();
    }
}
