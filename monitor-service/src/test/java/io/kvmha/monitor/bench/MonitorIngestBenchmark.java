package io.kvmha.monitor.bench;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.DomainState;
import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.event.HostInventory;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmLifecycleEvent;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.kafka.EventSerializer;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.monitor.MonitorApplication;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The monitor's Kafka ingest path at sim-steady volume (issue #9), in one JVM: an embedded KRaft broker, the
 * real monitor-service application (listener containers, CloudEvents deserialisation, rule engine, gauges,
 * rule evaluation every 500 ms) and a load generator playing {@code hosts} agents with {@code vms} VMs each:
 * a heartbeat per host every 500 ms, a {@link MetricSampleBatch} per host every 5 s shaped like the agent's
 * (host samples plus 24 per VM), VM events and command results at a trickle, and a Prometheus-style scrape of
 * {@code /actuator/prometheus} every 15 s (10 s timeout; failed scrapes are counted).
 *
 * <p>Measured after a warm-up, over the measurement window: consumer lag of the group {@code monitor-service}
 * in seconds (as the simulation's probe: age of the oldest unconsumed record, from end offsets sampled every
 * 200 ms) and in records, and the CPU time of the monitor's threads (listener containers, scheduler, rule
 * evaluation pool, Tomcat, its producer) as % of one core; the top threads are printed for diagnosis.
 * Not a test: run by hand, see the module README (Benchmark). Arguments: [seconds=120] [hosts=1000] [vms=10]
 * [warmup-seconds=30].
 */
public final class MonitorIngestBenchmark {

    static final String GROUP = "monitor-service";

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int vmsPerHost = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 30;

        String loadBefore = loadAverage();
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        String brokers = broker.getBrokersAsString();
        // Command-line arguments, as an operator would pass them: they override monitor-service.yml.
        ConfigurableApplicationContext monitor = MonitorApplication.builder().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + brokers, "--logging.level.root=WARN", "--logging.level.io.kvmha=WARN", "--logging.level.org.apache.kafka=ERROR");
        int port = monitor.getBean(Environment.class).getRequiredProperty("local.server.port", Integer.class);

        Fleet fleet = new Fleet(hosts, vmsPerHost);
        try (KafkaProducer<String, KvmHaEvent> producer = producer(brokers);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            fleet.describe(producer);
            producer.flush();
            Load load = new Load(fleet, producer);
            Thread generator = new Thread(load, "bench-load");
            generator.start();
            LagProbe lag = new LagProbe(admin);
            HttpClient http = HttpClient.newHttpClient();
            // Prometheus' default scrape timeout.
            HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build();
            int scrapes = 0;
            int scrapeFailures = 0;

            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            long nextScrape = start;
            long nextReport = start;
            long lastSample = start;
            long maxProbeGap = 0;
            Map<Long, Long> cpuAtStart = null;
            long processCpuAtStart = 0;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (cpuAtStart != null) {
                    maxProbeGap = Math.max(maxProbeGap, now - lastSample);
                }
                lastSample = now;
                double lagNow = lag.sample();
                if (cpuAtStart == null && now >= measureFrom) {
                    cpuAtStart = threadCpu();
                    processCpuAtStart = processCpuNanos();
                    lag.reset();
                    load.resetCounts();
                }
                if (now >= nextScrape) {
                    scrapes++;
                    try {
                        if (http.send(scrape, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                            scrapeFailures++;
                        }
                    } catch (java.net.http.HttpTimeoutException e) {
                        scrapeFailures++;
                    }
                    nextScrape = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                }
                if (now >= nextReport) {
                    System.err.printf("t=%3ds lag=%.2fs records=%d sent=%s%n", TimeUnit.NANOSECONDS.toSeconds(now - start),
                            lagNow, lag.lastRecords, load.counts());
                    nextReport += TimeUnit.SECONDS.toNanos(10);
                }
                Thread.sleep(200);
            }
            Map<Long, Long> cpuAtEnd = threadCpu();
            long processCpu = processCpuNanos() - processCpuAtStart;
            load.stop();
            generator.join();

            Map<String, Long> byThread = cpuDelta(cpuAtStart, cpuAtEnd);
            long monitorCpu = byThread.entrySet().stream().filter(e -> isMonitorThread(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
            double window = TimeUnit.SECONDS.toNanos(seconds);
            System.err.println("top threads (CPU % of a core over the window):");
            byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                    .forEach(e -> System.err.printf("  %5.1f%% %s%s%n", 100 * e.getValue() / window, e.getKey(),
                            isMonitorThread(e.getKey()) ? "  [monitor]" : ""));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("hosts", hosts);
            result.put("vms", hosts * vmsPerHost);
            result.put("duration_s", seconds);
            result.put("sent_per_s", load.ratesPerSecond(seconds));
            result.put("max_consumer_lag_s", Math.round(lag.maxSeconds * 100) / 100.0);
            result.put("consumer_lag_p50_s", Math.round(lag.percentile(0.5) * 100) / 100.0);
            result.put("consumer_lag_p99_s", Math.round(lag.percentile(0.99) * 100) / 100.0);
            result.put("max_consumer_lag_records", lag.maxRecords);
            result.put("monitor_threads_cpu_pct_of_core", Math.round(1000 * monitorCpu / window) / 10.0);
            result.put("process_cpu_pct_of_core", Math.round(1000 * processCpu / window) / 10.0);
            // The probe samples every 200 ms; a longer gap means the whole machine stalled, and the lag in
            // seconds is an upper bound that includes the stall (records lag is exact).
            result.put("scrapes_failed", scrapeFailures + " of " + scrapes);
            result.put("max_probe_gap_s", Math.round(maxProbeGap / 1e7) / 100.0);
            result.put("load_average_before", loadBefore);
            result.put("load_average_after", loadAverage());
            System.out.println(result);
        } finally {
            monitor.close();
            broker.destroy();
        }
        System.exit(0);
    }

    /** Threads that work for the monitor (not the broker's, nor the load generator's). */
    static boolean isMonitorThread(String name) {
        return name.startsWith("monitor-") || name.startsWith("scheduling-") || name.startsWith("ForkJoinPool-")
                || name.startsWith("http-nio-") || name.startsWith("alertmanager-")
                || name.startsWith("kafka-coordinator-heartbeat-thread | " + GROUP)
                || name.startsWith("kafka-producer-network-thread | producer-");
    }

    static KafkaProducer<String, KvmHaEvent> producer(String brokers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-load", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ACKS_CONFIG, "1"),
                new StringSerializer(), new EventSerializer(new CloudEventCodec(URI.create("/kvmha/bench-load"))));
    }

    static void send(KafkaProducer<String, KvmHaEvent> producer, KvmHaEvent event) {
        producer.send(new ProducerRecord<>(Topic.forEvent(event.getClass()).topicName(), event.key(), event));
    }

    /** The simulated hosts and their VMs. */
    static final class Fleet {
        final List<String> hosts = new ArrayList<>();
        final Map<String, List<String>> vms = new HashMap<>();

        Fleet(int hosts, int vmsPerHost) {
            for (int h = 0; h < hosts; h++) {
                String host = String.format("sim-host-%04d", h);
                this.hosts.add(host);
                List<String> ids = new ArrayList<>();
                for (int v = 0; v < vmsPerHost; v++) {
                    ids.add(new java.util.UUID(h, v).toString());
                }
                vms.put(host, ids);
            }
        }

        void describe(KafkaProducer<String, KvmHaEvent> producer) {
            Instant now = Instant.now();
            Tier[] tiers = Tier.values();
            for (String host : hosts) {
                var cells = List.of(
                        new HostInventory.NumaCell(0, 64L << 30, 40L << 30, List.of(), List.of()),
                        new HostInventory.NumaCell(1, 64L << 30, 40L << 30, List.of(), List.of()));
                send(producer, new HostInventory(host, "uuid-" + host, "qemu:///system", "Skylake", 32, 128L << 30, cells,
                        "KVM", "9.0.0", "9.0.0", true, Map.of("rack", "r" + host.hashCode() % 20), now));
                int i = 0;
                for (String vm : vms.get(host)) {
                    send(producer, new VmSpec(vm, "vm-" + vm.substring(24), 2, 512, tiers[i++ % tiers.length],
                            HaPolicy.RESTART, i, Map.of(), now));
                }
            }
        }
    }

    /** Plays the agents in real time from one thread, in 10 ms steps. */
    static final class Load implements Runnable {
        private final Fleet fleet;
        private final KafkaProducer<String, KvmHaEvent> producer;
        private final Map<String, Long> sequences = new HashMap<>();
        private final Random random = new Random(9);
        private volatile boolean running = true;
        private final java.util.concurrent.atomic.AtomicLongArray sent = new java.util.concurrent.atomic.AtomicLongArray(4);

        Load(Fleet fleet, KafkaProducer<String, KvmHaEvent> producer) {
            this.fleet = fleet;
            this.producer = producer;
        }

        @Override
        public void run() {
            int n = fleet.hosts.size();
            long step = 0;
            long next = System.nanoTime();
            while (running) {
                // 50 steps per 500 ms: host i beats in step i % 50, and sends metrics every 10th beat.
                int slot = (int) (step % 50);
                long beat = step / 50;
                Instant now = Instant.now();
                for (int h = slot; h < n; h += 50) {
                    String host = fleet.hosts.get(h);
                    heartbeat(host, now);
                    if ((beat + h) % 10 == 0) {
                        metrics(host, now);
                    }
                }
                if (step % 10 == 0) { // 10 VM events and 5 command results per second
                    String host = fleet.hosts.get(random.nextInt(n));
                    List<String> vms = fleet.vms.get(host);
                    String vm = vms.get(random.nextInt(vms.size()));
                    send(producer, new VmLifecycleEvent(vm, host, null, VmLifecycleEvent.Kind.RESUMED,
                            VmLifecycleEvent.Reason.UNKNOWN, false, null, now));
                    sent.incrementAndGet(2);
                    if (step % 20 == 0) {
                        send(producer, new CommandResult(java.util.UUID.randomUUID().toString(), host, vm,
                                HostCommand.Action.START, CommandResult.Outcome.SUCCEEDED, null, 12, null, now));
                        sent.incrementAndGet(3);
                    }
                }
                step++;
                next += TimeUnit.MILLISECONDS.toNanos(10);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
        }

        private void heartbeat(String host, Instant now) {
            long sequence = sequences.merge(host, 1L, Long::sum);
            send(producer, heartbeatOf(host, fleet.vms.get(host), sequence, now));
            sent.incrementAndGet(0);
        }

        private void metrics(String host, Instant now) {
            send(producer, metricBatchOf(host, fleet.vms.get(host), now, random));
            sent.incrementAndGet(1);
        }

        void stop() {
            running = false;
        }

        void resetCounts() {
            for (int i = 0; i < sent.length(); i++) {
                sent.set(i, 0);
            }
        }

        String counts() {
            return "heartbeats=" + sent.get(0) + " metrics=" + sent.get(1) + " vm-events=" + sent.get(2)
                    + " command-results=" + sent.get(3);
        }

        Map<String, Double> ratesPerSecond(int seconds) {
            return Map.of("heartbeats", sent.get(0) / (double) seconds, "metric_batches", sent.get(1) / (double) seconds,
                    "vm_events", sent.get(2) / (double) seconds, "command_results", sent.get(3) / (double) seconds);
        }
    }

    /** A heartbeat as the agent sends it: every VM running. */
    static HostHeartbeat heartbeatOf(String host, List<String> vms, long sequence, Instant now) {
        List<HostHeartbeat.DomainStatus> domains = new ArrayList<>();
        for (String vm : vms) {
            domains.add(new HostHeartbeat.DomainStatus(vm, "vm-" + vm.substring(24), DomainState.RUNNING));
        }
        return new HostHeartbeat(host, sequence, now, 1000 * sequence, "0.1.0",
                HostHeartbeat.LibvirtConnectivity.CONNECTED, domains, false, false);
    }

    /** Shaped like the agent's MetricSampleComposer: 6 host samples, 24 per VM, each with a host label. */
    static MetricSampleBatch metricBatchOf(String host, List<String> vms, Instant now, Random random) {
        List<MetricSampleBatch.Sample> samples = new ArrayList<>();
        samples.add(sample("libvirt_up", Map.of("host", host), 1));
        samples.add(sample("kvmha_host_cpus", Map.of("host", host), 32));
        samples.add(sample("kvmha_host_memory_bytes", Map.of("host", host), 128L << 30));
        samples.add(sample("kvmha_host_numa_cell_memory_free_bytes", Map.of("host", host, "cell", "0"), 40L << 30));
        samples.add(sample("kvmha_host_numa_cell_memory_free_bytes", Map.of("host", host, "cell", "1"), 40L << 30));
        samples.add(sample("kvmha_host_memory_free_bytes", Map.of("host", host), 80L << 30));
        for (String vm : vms) {
            Map<String, String> labels = Map.of("domain", "vm-" + vm.substring(24), "uuid", vm, "host", host);
            for (String name : new String[] {"info_state", "info_cpu_time_seconds_total", "info_virtual_cpus",
                    "info_maximum_memory_bytes", "info_memory_usage_bytes", "memory_stats_actual_balloon_bytes",
                    "memory_stats_swap_in_bytes", "memory_stats_swap_out_bytes", "memory_stats_unused_bytes",
                    "memory_stats_available_bytes", "memory_stats_usable_bytes"}) {
                samples.add(sample("libvirt_domain_" + name, labels, random.nextInt(1 << 20)));
            }
            Map<String, String> disk = new HashMap<>(labels);
            disk.put("target_device", "vda");
            for (String name : new String[] {"read_requests_total", "read_bytes_total", "write_requests_total",
                    "write_bytes_total", "errors_total"}) {
                samples.add(sample("libvirt_domain_block_stats_" + name, disk, random.nextInt(1 << 20)));
            }
            Map<String, String> nic = new HashMap<>(labels);
            nic.put("target_device", "vnet0");
            for (String name : new String[] {"receive_bytes_total", "receive_packets_total", "receive_errors_total",
                    "receive_drops_total", "transmit_bytes_total", "transmit_packets_total", "transmit_errors_total",
                    "transmit_drops_total"}) {
                samples.add(sample("libvirt_domain_interface_stats_" + name, nic, random.nextInt(1 << 20)));
            }
        }
        return new MetricSampleBatch(host, now, samples);
    }

    private static MetricSampleBatch.Sample sample(String name, Map<String, String> labels, double value) {
        return new MetricSampleBatch.Sample(name, labels, value);
    }

    /**
     * The group's lag as the simulation's ConsumerLagProbe computes it: per partition, how long ago the end
     * offset first passed the committed offset (from end offsets sampled every call), and in records.
     */
    static final class LagProbe {
        private record EndOffset(long atMillis, long offset) {
        }

        private final Admin admin;
        private final Map<TopicPartition, Deque<EndOffset>> history = new HashMap<>();
        double maxSeconds;
        long maxRecords;
        long lastRecords;
        /** Every sample's lag since the last reset, for percentiles (a single stall of the machine makes the max). */
        final List<Double> samplesSeconds = new ArrayList<>();

        LagProbe(Admin admin) {
            this.admin = admin;
        }

        double sample() throws Exception {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            long now = System.currentTimeMillis();
            double worst = 0;
            long records = 0;
            for (var e : ends.entrySet()) {
                Deque<EndOffset> samples = history.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>());
                samples.addLast(new EndOffset(now, e.getValue().offset()));
                while (samples.size() > 2 && samples.peekFirst().atMillis() < now - 120_000) {
                    samples.removeFirst();
                }
                OffsetAndMetadata at = committed.get(e.getKey());
                if (at == null || at.offset() >= e.getValue().offset()) {
                    continue;
                }
                records += e.getValue().offset() - at.offset();
                long before = samples.peekFirst().atMillis();
                for (EndOffset s : samples) {
                    if (s.offset() <= at.offset()) {
                        before = s.atMillis();
                    } else {
                        break;
                    }
                }
                worst = Math.max(worst, (now - before) / 1000.0);
            }
            lastRecords = records;
            samplesSeconds.add(worst);
            maxSeconds = Math.max(maxSeconds, worst);
            maxRecords = Math.max(maxRecords, records);
            return worst;
        }

        void reset() {
            maxSeconds = 0;
            maxRecords = 0;
            samplesSeconds.clear();
        }

        double percentile(double p) {
            if (samplesSeconds.isEmpty()) {
                return 0;
            }
            List<Double> sorted = new ArrayList<>(samplesSeconds);
            sorted.sort(null);
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        }
    }

    static Map<Long, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t >= 0) {
                cpu.put(id, t);
            }
        }
        return cpu;
    }

    /** CPU per thread name over the window (threads that started during it count from zero). */
    static Map<String, Long> cpuDelta(Map<Long, Long> before, Map<Long, Long> after) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new HashMap<>();
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            ThreadInfo info = threads.getThreadInfo(e.getKey());
            if (info != null) {
                byName.merge(info.getThreadName(), e.getValue() - before.getOrDefault(e.getKey(), 0L), Long::sum);
            }
        }
        return byName;
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private MonitorIngestBenchmark() {
    }
}
