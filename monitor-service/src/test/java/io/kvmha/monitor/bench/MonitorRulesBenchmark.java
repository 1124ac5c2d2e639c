package io.kvmha.monitor.bench;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.MetricSampleBatch;
import io.kvmha.monitor.MonitorProperties;
import io.kvmha.monitor.alertmanager.AlertmanagerOutput;
import io.kvmha.monitor.core.AlertTracker;
import io.kvmha.monitor.core.AlertTransition;
import io.kvmha.monitor.core.rules.RuleDefinition;
import io.kvmha.monitor.core.rules.RuleScenario;
import io.kvmha.monitor.core.rules.RuleEngine;
import io.kvmha.monitor.kafka.KafkaAlertSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * bench/run monitor-rules: the rule engine under 100 rules over 1,000 hosts x 20 VMs.
 * <ol>
 *   <li>samples_per_s: one thread ingests one round of metric batches (one per host, 10 samples per VM)
 *       and evaluates every rule, round after round on a virtual clock 10 s apart; samples ingested
 *       divided by the wall time of ingestion plus evaluation.</li>
 *   <li>alert_latency_p99_ms: in real time, with the same load streaming in and the service's evaluation
 *       interval (500 ms), a VM's sample crosses a {@code for: 0} threshold; measured from the ingestion
 *       of that sample to the POST /api/v2/alerts that carried the alert being accepted by a real
 *       Alertmanager on loopback (Kafka publish of the alert is not part of this path).</li>
 * </ol>
 * Arguments: quick(true|false) result-json alertmanager-url(or "none").
 */
public final class MonitorRulesBenchmark {

    static final int HOSTS = 1000;
    static final int VMS = 20;
    static final String[] METRICS = {
        "libvirt_domain_info_vcpu_current", "libvirt_domain_info_memory_usage_bytes",
        "libvirt_domain_info_maximum_memory_bytes", "libvirt_domain_info_cpu_time_seconds_total",
        "libvirt_domain_block_stats_read_bytes_total", "libvirt_domain_block_stats_write_bytes_total",
        "libvirt_domain_interface_stats_receive_bytes_total", "libvirt_domain_interface_stats_transmit_bytes_total",
        "libvirt_domain_info_state", "libvirt_domain_memory_stats_used_percent"};

    public static void main(String[] args) throws Exception {
        boolean quick = Boolean.parseBoolean(args[0]);
        Path result = Path.of(args[1]);
        String alertmanager = args.length > 2 ? args[2] : "none";

        List<RuleDefinition> rules = rules();
        System.err.printf("rules=%d hosts=%d vms/host=%d samples/round=%d%n", rules.size(), HOSTS, VMS,
                HOSTS * VMS * METRICS.length);
        Map<String, Object> metrics = new java.util.LinkedHashMap<>();
        throughput(rules, quick ? 8 : 40, metrics);
        if (!"none".equals(alertmanager)) {
            latency(rules, quick ? 40 : 200, URI.create(alertmanager), metrics);
        }
        StringBuilder json = new StringBuilder("{\"benchmark\": \"monitor-rules\", \"quick\": " + quick
                + ", \"machine\": \"" + System.getenv().getOrDefault("BENCH_MACHINE", "unknown") + "\", \"metrics\": {");
        String sep = "";
        for (Map.Entry<String, Object> m : metrics.entrySet()) {
            json.append(sep).append('"').append(m.getKey()).append("\": ").append(m.getValue());
            sep = ", ";
        }
        json.append("}}\n");
        Files.writeString(result, json.toString());
        System.err.print(json);
    }

    /** The 17 shipped rules plus generated ones over the libvirt exporter's names, 100 in all. */
    static List<RuleDefinition> rules() throws Exception {
        List<RuleDefinition> rules = new ArrayList<>();
        rules.addAll(RuleScenario.shippedRules());
        rules.add(rule("KvmBenchTrigger", "libvirt_domain_info_vcpu_current > 64"));
        String[] shapes = {
            "avg_over_time(%s[5m]) > 1e15", "max_over_time(%s[1m]) > 1e15", "rate(%s[2m]) > 1e12",
            "%s > 1e15", "sum by (host) (%s) > 1e17", "increase(%s[5m]) > 1e15", "min_over_time(%s[3m]) < -1",
            "max by (host) (%s) / 2 > 1e15"};
        for (int i = 0; rules.size() < 100; i++) {
            String metric = METRICS[i % METRICS.length];
            rules.add(rule("Bench" + i, shapes[i % shapes.length].formatted(metric)));
        }
        return rules;
    }

    static RuleDefinition rule(String name, String expr) {
        return new RuleDefinition(name, expr, null, null, Map.of("severity", "warning"),
                Map.of("summary", "{{ $labels.domain }} on {{ $labels.host }}", "description", "value {{ $value }}",
                        "runbook_url", "#" + name.toLowerCase()));
    }

    static MetricSampleBatch batch(int host, Instant at, long round, int triggerVm) {
        List<MetricSampleBatch.Sample> samples = new ArrayList<>(VMS * METRICS.length);
        for (int vm = 0; vm < VMS; vm++) {
            Map<String, String> labels = Map.of("domain", "vm-" + host + "-" + vm);
            for (int m = 0; m < METRICS.length; m++) {
                double value = m == 0 ? (vm == triggerVm ? 99 : 2) : round * 1000.0 + vm + m;
                samples.add(new MetricSampleBatch.Sample(METRICS[m], labels, value));
            }
        }
        return new MetricSampleBatch("host-" + host, at, samples);
    }

    static void throughput(List<RuleDefinition> rules, int rounds, Map<String, Object> out) {
        RuleEngine engine = new RuleEngine(rules, Duration.ofMinutes(1), Duration.ofHours(1));
        AlertTracker tracker = new AlertTracker(engine.rules(), Clock.systemUTC());
        Instant t0 = Instant.parse("2026-11-27T12:00:00Z");
        int warmup = 6;
        long samples = 0;
        long ingestNanos = 0;
        long evalNanos = 0;
        long cpuNanos = 0;
        long evalCpuNanos = 0;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        // Batches are built before timing: the benchmark measures the engine, not the test-data generator.
        for (int round = 0; round < warmup + rounds; round++) {
            Instant at = t0.plusSeconds(10L * round);
            List<MetricSampleBatch> batches = new ArrayList<>(HOSTS);
            for (int h = 0; h < HOSTS; h++) {
                batches.add(batch(h, at, round, -1));
            }
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (MetricSampleBatch b : batches) {
                engine.ingest(b);
            }
            long ingested = System.nanoTime();
            long cpuIngested = threads.getCurrentThreadCpuTime();
            for (RuleEngine.Evaluation e : engine.evaluate(at)) {
                tracker.reconcile(e.rule().alertName(), e.holding(), at, t -> { });
            }
            long evaluated = System.nanoTime();
            long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
            if (round >= warmup) {
                cpuNanos += cpu;
                evalCpuNanos += threads.getCurrentThreadCpuTime() - cpuIngested;
                samples += (long) HOSTS * VMS * METRICS.length;
                ingestNanos += ingested - start;
                evalNanos += evaluated - ingested;
            }
        }
        double seconds = (ingestNanos + evalNanos) / 1e9;
        // One core: the thread's own CPU time, so other load on the machine does not count against it.
        out.put("samples_per_s", Math.round(samples / (cpuNanos / 1e9)));
        out.put("samples_per_s_wall", Math.round(samples / seconds));
        out.put("ingest_only_samples_per_s", Math.round(samples / (ingestNanos / 1e9)));
        out.put("evaluation_ms_per_round", Math.round(evalNanos / 1e6 / rounds * 10) / 10.0);
        out.put("evaluation_cpu_ms_per_round", Math.round(evalCpuNanos / 1e6 / rounds * 10) / 10.0);
        out.put("series", engine.seriesCount());
        out.put("rules", rules.size());
        out.put("load_average_1m", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.err.printf("throughput: %s%n", out);
    }

    static void latency(List<RuleDefinition> rules, int triggers, URI alertmanager, Map<String, Object> out)
            throws Exception {
        // As the service runs it: evaluation-threads = 2 (default), evaluation-interval = 500 ms.
        RuleEngine engine = new RuleEngine(rules, Duration.ofMinutes(1), Duration.ofHours(1), 2);
        Clock clock = Clock.systemUTC();
        AlertTracker tracker = new AlertTracker(engine.rules(), clock);
        MonitorProperties properties = new MonitorProperties("https://kvm-ha.dev/docs/OPERATIONS.md",
                Duration.ofMillis(500), Duration.ofSeconds(10), List.of(), Duration.ofMinutes(1), Duration.ofHours(1),
                null, "kvm-ha", List.of(alertmanager), Duration.ofSeconds(30), 4, 2, 20_000, 2, null);
        AlertmanagerOutput output = new AlertmanagerOutput(properties, clock, new SimpleMeterRegistry());
        Map<String, Long> conditionTrueAt = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch received = new CountDownLatch(triggers);
        output.onDelivered((uri, alerts) -> {
            long now = System.nanoTime();
            for (Alert a : alerts) {
                Long start = a.name().equals("KvmBenchTrigger") && a.status() == Alert.Status.FIRING
                        ? conditionTrueAt.remove(a.labels().get("domain")) : null;
                if (start != null) {
                    latencies.add(now - start);
                    received.countDown();
                }
            }
        });
        Thread evaluator = new Thread(() -> {
            long period = properties.evaluationInterval().toNanos();
            long next = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                next += period;
                Instant now = clock.instant();
                for (RuleEngine.Evaluation e : engine.evaluate(now)) {
                    tracker.reconcile(e.rule().alertName(), e.holding(), now, (AlertTransition t) -> {
                        if (t.isVisible()) {
                            output.offer(KafkaAlertSink.toEvent(t.alert()));
                        }
                    });
                }
                tracker.tick(t -> { });
                try {
                    // the service's fixed rate: the next evaluation starts one interval after this one started
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } else {
                        next = System.nanoTime();
                    }
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }, "evaluator");
        evaluator.setDaemon(true);
        // Pre-fill one round so every series exists, then stream: 100 host batches per second (each host every 10 s).
        Instant start = clock.instant();
        for (int h = 0; h < HOSTS; h++) {
            engine.ingest(batch(h, start, 0, -1));
        }
        // Steady state, as a service that has run for a while: the series live in the old generation (the
        // first young collections otherwise copy ~600 MB of fresh series once, a one-off pause of ~1 s).
        System.gc();
        evaluator.start();
        Random random = new Random(42);
        long round = 1;
        int host = 0;
        int fired = 0;
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < warmupEnd) {
            engine.ingest(batch(host, clock.instant(), round, -1));
            host = (host + 1) % HOSTS;
            if (host == 0) {
                round++;
            }
            Thread.sleep(10);
        }
        long nextTrigger = System.nanoTime();
        while (fired < triggers) {
            boolean trigger = System.nanoTime() >= nextTrigger;
            int triggerVm = trigger ? random.nextInt(VMS) : -1;
            MetricSampleBatch b = batch(host, clock.instant(), round, triggerVm);
            if (trigger) {
                // Each trigger is a new alert: the VM's vcpu count jumps above the threshold in this batch.
                conditionTrueAt.put("vm-" + host + "-" + triggerVm, System.nanoTime());
                fired++;
                nextTrigger = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50 + random.nextInt(150));
            }
            engine.ingest(b);
            host = (host + 1) % HOSTS;
            if (host == 0) {
                round++;
            }
            Thread.sleep(10);
        }
        received.await(30, TimeUnit.SECONDS);
        evaluator.interrupt();
        output.destroy();
        engine.close();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            throw new IllegalStateException("no alert reached Alertmanager");
        }
        out.put("alert_latency_p50_ms", ms(sorted.get(sorted.size() / 2)));
        out.put("alert_latency_p99_ms", ms(sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1)));
        out.put("alert_latency_max_ms", ms(sorted.get(sorted.size() - 1)));
        out.put("alerts_measured", sorted.size());
        System.err.printf("latency: %s%n", out);
    }

    static double ms(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }
}
