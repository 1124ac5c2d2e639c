package io.kvmha.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Host and VM samples taken at one instant, named after the libvirt exporter conventions
 * ({@code libvirt_domain_info_cpu_time_seconds_total} and friends).
 */
public record MetricSampleBatch(String hostId, Instant sampledAt, List<Sample> samples) implements KvmHaEvent {

    public MetricSampleBatch {
        Required.field(hostId, "hostId");
        Required.field(sampledAt, "sampledAt");
        samples = Required.list(samples);
    }

    @Override
    public String key() {
        return hostId;
    }

    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            Required.field(name, "samples[].name");
            labels = Required.map(labels);
        }
    }
}
