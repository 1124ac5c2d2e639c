package io.kvmha.agent.core;

import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.MetricSampleBatch.Sample;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns hypervisor counters into one {@link MetricSampleBatch}, named after the inovex
 * prometheus-libvirt-exporter ({@code libvirt_domain_info_cpu_time_seconds_total}, labels
 * {@code domain} = name, {@code uuid}, {@code target_device} for block and interface counters), in base
 * units (seconds, bytes). Host samples: {@code libvirt_up}, {@code kvmha_host_cpus},
 * {@code kvmha_host_memory_bytes}, {@code kvmha_host_memory_free_bytes} and per NUMA cell
 * {@code kvmha_host_numa_cell_memory_free_bytes{cell}}.
 */
public final class MetricSampleComposer {

    private final String hostId;
    private final Clock clock;

    public MetricSampleComposer(String hostId, Clock clock) {
        this.hostId = hostId;
        this.clock = clock;
    }

    public MetricSampleBatch compose(boolean libvirtUp, HostDescription host, List<DomainStats> domains) {
        List<Sample> samples = new ArrayList<>();
        samples.add(sample("libvirt_up", Map.of(), libvirtUp ? 1 : 0));
        if (host != null) {
            samples.add(sample("kvmha_host_cpus", Map.of(), host.cpus()));
            samples.add(sample("kvmha_host_memory_bytes", Map.of(), host.memoryBytes()));
            if (!host.numaCells().isEmpty()) {
                long free = 0;
                for (var cell : host.numaCells()) {
                    free += cell.freeMemoryBytes();
                    samples.add(sample("kvmha_host_numa_cell_memory_free_bytes", Map.of("cell", String.valueOf(cell.id())),
                            cell.freeMemoryBytes()));
                }
                samples.add(sample("kvmha_host_memory_free_bytes", Map.of(), free));
            }
        }
        for (DomainStats d : domains) {
            Map<String, String> vm = Map.of("domain", d.name(), "uuid", d.uuid());
            samples.add(sample("libvirt_domain_info_state", vm, d.state().ordinal()));
            samples.add(sample("libvirt_domain_info_cpu_time_seconds_total", vm, d.cpuTimeNs() / 1e9));
            samples.add(sample("libvirt_domain_info_virtual_cpus", vm, d.vcpus()));
            samples.add(sample("libvirt_domain_info_maximum_memory_bytes", vm, d.maxMemoryKib() * 1024.0));
            samples.add(sample("libvirt_domain_info_memory_usage_bytes", vm, d.memoryKib() * 1024.0));
            d.balloon().forEach((tag, kib) -> {
                if (!tag.equals("last_update") && !tag.endsWith("fault") && !tag.startsWith("hugetlb")) {
                    String name = tag.equals("actual") ? "actual_balloon" : tag;
                    samples.add(sample("libvirt_domain_memory_stats_" + name + "_bytes", vm, kib * 1024.0));
                }
            });
            d.blocks().forEach((dev, b) -> {
                Map<String, String> labels = with(vm, "target_device", dev);
                samples.add(sample("libvirt_domain_block_stats_read_requests_total", labels, b.readRequests()));
                samples.add(sample("libvirt_domain_block_stats_read_bytes_total", labels, b.readBytes()));
                samples.add(sample("libvirt_domain_block_stats_write_requests_total", labels, b.writeRequests()));
                samples.add(sample("libvirt_domain_block_stats_write_bytes_total", labels, b.writeBytes()));
                samples.add(sample("libvirt_domain_block_stats_errors_total", labels, b.errors()));
            });
            d.interfaces().forEach((dev, i) -> {
                Map<String, String> labels = with(vm, "target_device", dev);
                samples.add(sample("libvirt_domain_interface_stats_receive_bytes_total", labels, i.rxBytes()));
                samples.add(sample("libvirt_domain_interface_stats_receive_packets_total", labels, i.rxPackets()));
                samples.add(sample("libvirt_domain_interface_stats_receive_errors_total", labels, i.rxErrors()));
                samples.add(sample("libvirt_domain_interface_stats_receive_drops_total", labels, i.rxDrops()));
                samples.add(sample("libvirt_domain_interface_stats_transmit_bytes_total", labels, i.txBytes()));
                samples.add(sample("libvirt_domain_interface_stats_transmit_packets_total", labels, i.txPackets()));
                samples.add(sample("libvirt_domain_interface_stats_transmit_errors_total", labels, i.txErrors()));
                samples.add(sample("libvirt_domain_interface_stats_transmit_drops_total", labels, i.txDrops()));
            });
        }
        return new MetricSampleBatch(hostId, clock.instant(), samples);
    }

    private Sample sample(String name, Map<String, String> labels, double value) {
        return new Sample(name, with(labels, "host", hostId), value);
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(labels);
        copy.put(key, value);
        return copy;
    }
}
