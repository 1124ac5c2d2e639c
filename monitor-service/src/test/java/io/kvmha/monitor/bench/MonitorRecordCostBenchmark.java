package io.kvmha.monitor.bench;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.kafka.EventDeserializer;
import io.kvmha.contracts.kafka.EventSerializer;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.monitor.core.AlertTracker;
import io.kvmha.monitor.core.HostStateCounts;
import io.kvmha.monitor.core.IncidentStatusCounts;
import io.kvmha.monitor.core.VmStateCounts;
import io.kvmha.monitor.core.rules.RuleEngine;
import io.kvmha.monitor.kafka.EventStreamListener;
import io.kvmha.monitor.metrics.ClusterGauges;
import io.kvmha.monitor.metrics.HostGauges;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The CPU cost of one record on the monitor's two high-rate topics, without a broker: each record is encoded as
 * the agents send it (CloudEvents binary mode, the contracts' serializer), then decoded by the contracts'
 * {@link EventDeserializer} (as the listener container does in {@code poll()}) and handed to the real
 * {@link EventStreamListener} over the real rule engine, gauges and shipped rules, on one thread. Also the cost
 * of one evaluation tick (every rule, the host gauges' refresh) at that size. Complements
 * {@link MonitorIngestBenchmark}, which measures the consumer lag with a broker but mixes in the broker's and the
 * load's CPU. Times are the thread's CPU time, so other work on a shared machine moves them less (caches and
 * frequency still do: compare runs made back to back). Run by hand (a few seconds), see the module README (Benchmark). Arguments: [rounds=20]
 * [hosts=1000] [vms=10]; a round is one heartbeat per host (500 ms of the cluster's time) and a metric batch
 * for a tenth of the hosts, as sim-steady sends them.
 */
public final class MonitorRecordCostBenchmark {

    private record Encoded(RecordHeaders headers, byte[] value) {
    }

    public static void main(String[] args) throws Throwable {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int vmsPerHost = args.length > 2 ? Integer.parseInt(args[2]) : 10;

        Instant start = Instant.parse("2026-11-28T00:00:00Z");
        MutableClock clock = new MutableClock(start);
        RuleEngine engine = new RuleEngine(io.kvmha.monitor.core.rules.RuleScenario.shippedRules(), Duration.ofMinutes(1), Duration.ofHours(1), 1);
        VmStateCounts vms = new VmStateCounts();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        HostGauges hostGauges = new HostGauges(engine, clock, meters);
        new ClusterGauges(meters, new HostStateCounts(), new AlertTracker(new ArrayList<>(engine.rules()), clock),
                new IncidentStatusCounts(), vms, engine, clock);
        EventStreamListener listener = new EventStreamListener(engine, vms);
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(EventStreamListener.class, MethodHandles.lookup());
        MethodHandle onHeartbeat = lookup.findVirtual(EventStreamListener.class, "on",
                MethodType.methodType(void.class, HostHeartbeat.class)).bindTo(listener);
        MethodHandle onMetrics = lookup.findVirtual(EventStreamListener.class, "on",
                MethodType.methodType(void.class, MetricSampleBatch.class)).bindTo(listener);
        MethodHandle refreshHostGauges = MethodHandles.privateLookupIn(HostGauges.class, MethodHandles.lookup())
                .findVirtual(HostGauges.class, "refresh", MethodType.methodType(void.class)).bindTo(hostGauges);

        CloudEventCodec agentCodec = new CloudEventCodec(URI.create("/kvmha/host-agent"));
        EventSerializer serializer = new EventSerializer(agentCodec);
        EventDeserializer deserializer = new EventDeserializer(new CloudEventCodec(URI.create("/kvmha/monitor-service")));

        MonitorIngestBenchmark.Fleet fleet = new MonitorIngestBenchmark.Fleet(hosts, vmsPerHost);
        describe(fleet, start, engine, vms);

        // Encode every record up front: the agents' cost, not the monitor's.
        Random random = new Random(9);
        List<Encoded> heartbeats = new ArrayList<>();
        List<Encoded> batches = new ArrayList<>();
        long heartbeatBytes = 0;
        long batchBytes = 0;
        // Twice the rounds: the first half warms the JIT up on the full path, the second is measured.
        for (int r = 0; r < 2 * rounds; r++) {
            Instant at = start.plusMillis(500L * (r + 1));
            for (int h = 0; h < hosts; h++) {
                String host = fleet.hosts.get(h);
                Encoded hb = encode(serializer, MonitorIngestBenchmark.heartbeatOf(host, fleet.vms.get(host), r + 1, at));
                heartbeats.add(hb);
                heartbeatBytes += hb.value().length;
                if ((r + h) % 10 == 0) {
                    Encoded batch = encode(serializer, MonitorIngestBenchmark.metricBatchOf(host, fleet.vms.get(host), at, random));
                    batches.add(batch);
                    batchBytes += batch.value().length;
                }
            }
        }

        // Warm-up: the same work on a separate engine-less pass, so the JIT has compiled the path.
        for (int i = 0; i < 3; i++) {
            for (Encoded e : heartbeats) {
                deserializer.deserialize(Topic.Names.HOST_HEARTBEATS, e.headers(), e.value());
            }
            for (Encoded e : batches) {
                deserializer.deserialize(Topic.Names.METRICS, e.headers(), e.value());
            }
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("hosts", hosts);
        result.put("vms", hosts * vmsPerHost);
        result.put("rounds", rounds);
        result.put("heartbeat_bytes", heartbeatBytes / heartbeats.size());
        result.put("metric_batch_bytes", batchBytes / Math.max(1, batches.size()));

        // Decoding alone (what poll() spends per record).
        result.put("heartbeat_decode_us", micros(timeDecode(deserializer, Topic.Names.HOST_HEARTBEATS, heartbeats), heartbeats.size()));
        result.put("metric_batch_decode_us", micros(timeDecode(deserializer, Topic.Names.METRICS, batches), batches.size()));

        // The whole path, round by round in event time, with an evaluation tick after each round.
        long heartbeatNanos = 0;
        long batchNanos = 0;
        long evaluateNanos = 0;
        long gaugeNanos = 0;
        int measuredHeartbeats = 0;
        int measuredBatches = 0;
        int hbAt = 0;
        int batchAt = 0;
        for (int r = 0; r < 2 * rounds; r++) {
            if (r == rounds) {
                heartbeatNanos = batchNanos = evaluateNanos = gaugeNanos = 0;
                measuredHeartbeats = measuredBatches = 0;
            }
            long t0 = cpuNanos();
            for (int h = 0; h < hosts; h++) {
                Encoded e = heartbeats.get(hbAt++);
                onHeartbeat.invokeExact((HostHeartbeat) deserializer.deserialize(Topic.Names.HOST_HEARTBEATS, e.headers(), e.value()));
            }
            long t1 = cpuNanos();
            int batchEnd = batchAt + countBatches(r, hosts);
            measuredHeartbeats += hosts;
            measuredBatches += batchEnd - batchAt;
            for (; batchAt < batchEnd; batchAt++) {
                Encoded e = batches.get(batchAt);
                onMetrics.invokeExact((MetricSampleBatch) deserializer.deserialize(Topic.Names.METRICS, e.headers(), e.value()));
            }
            long t2 = cpuNanos();
            clock.now = start.plusMillis(500L * (r + 1) + 100);
            engine.evaluate(clock.now);
            long t3 = cpuNanos();
            refreshHostGauges.invokeExact();
            long t4 = cpuNanos();
            heartbeatNanos += t1 - t0;
            batchNanos += t2 - t1;
            evaluateNanos += t3 - t2;
            gaugeNanos += t4 - t3;
        }
        int ticks = rounds;
        result.put("heartbeat_us", micros(heartbeatNanos, measuredHeartbeats));
        result.put("metric_batch_us", micros(batchNanos, measuredBatches));
        result.put("evaluation_ms", Math.round(evaluateNanos / 1e4 / ticks) / 100.0);
        result.put("host_gauges_refresh_ms", Math.round(gaugeNanos / 1e4 / ticks) / 100.0);
        // sim-steady: 2 heartbeats per host per second, a batch per host per 5 s, two ticks (rules + gauges) per second.
        double perSecond = hosts * 2.0 * heartbeatNanos / measuredHeartbeats + hosts / 5.0 * batchNanos / Math.max(1, measuredBatches)
                + 2.0 * (evaluateNanos + gaugeNanos) / ticks;
        result.put("sim_steady_cpu_pct_of_core", Math.round(perSecond / 1e7 * 10) / 10.0);
        result.put("series", engine.seriesCount());
        System.out.println(result);
        engine.close();
    }

    /** This thread's CPU time: what a record costs, whatever else the (shared) machine is doing. */
    private static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static int countBatches(int round, int hosts) {
        int n = 0;
        for (int h = 0; h < hosts; h++) {
            if ((round + h) % 10 == 0) {
                n++;
            }
        }
        return n;
    }

    private static long timeDecode(EventDeserializer deserializer, String topic, List<Encoded> records) {
        long t0 = cpuNanos();
        for (Encoded e : records) {
            deserializer.deserialize(topic, e.headers(), e.value());
        }
        return cpuNanos() - t0;
    }

    private static double micros(long nanos, int count) {
        return Math.round(nanos / 10.0 / Math.max(1, count)) / 100.0;
    }

    private static Encoded encode(EventSerializer serializer, KvmHaEvent event) {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = serializer.serialize(Topic.forEvent(event.getClass()).topicName(), headers, event);
        return new Encoded(headers, value);
    }

    private static void describe(MonitorIngestBenchmark.Fleet fleet, Instant at, RuleEngine engine, VmStateCounts vms) {
        Tier[] tiers = Tier.values();
        for (String host : fleet.hosts) {
            var cells = List.of(new HostInventory.NumaCell(0, 64L << 30, 40L << 30, List.of(), List.of()),
                    new HostInventory.NumaCell(1, 64L << 30, 40L << 30, List.of(), List.of()));
            engine.ingest(new HostInventory(host, "uuid-" + host, "qemu:///system", "Skylake", 32, 128L << 30, cells,
                    "KVM", "9.0.0", "9.0.0", true, Map.of(), at));
            int i = 0;
            for (String vm : fleet.vms.get(host)) {
                VmSpec spec = new VmSpec(vm, "vm-" + vm.substring(24), 2, 512, tiers[i++ % tiers.length], HaPolicy.RESTART,
                        i, Map.of(), at);
                engine.ingest(spec);
                vms.spec(spec);
            }
        }
    }

    /** The benchmark's event time. */
    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private MonitorRecordCostBenchmark() {
    }
}
