package io.kvmha.scheduler;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.Fixtures;
import io.kvmha.scheduler.kafka.ActivePlacer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Load driver of {@code POST /api/v1/vms} (issue #9, the module-level twin of {@code sim-placement}): an embedded
 * KRaft broker, the scheduler on a random port, {@code --hosts} inventories (2 NUMA cells, 64 GiB, 32 CPUs each) and
 * {@code --existing} VMs already placed (spec + placement published to the compacted topics), then creates offered at
 * {@code --rate} per second for {@code --seconds} over real HTTP, open loop (sent on schedule whether or not earlier
 * ones were answered), with a Java HttpClient set up like the simulation's. Decision latency is from sending a request
 * to the timestamp of its Placement record read back from Kafka; a VM is lost when its create was answered 201 but
 * its Placement, VmSpec or DEFINE_AND_START never appeared. Not a test (no suffix Surefire runs); run by hand:
 *
 * <pre>
 * ./mvnw -B -q -pl scheduler-service test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
 * java -Xmx1g -cp scheduler-service/target/test-classes:scheduler-service/target/classes:$(cat scheduler-service/target/bench/classpath.txt) \
 *   io.kvmha.scheduler.CreateRateBenchmark --rate 500 --seconds 30 --hosts 1000 --existing 10000 --warmup 3000
 * </pre>
 */
public final class CreateRateBenchmark {

    private static final Pattern VM_ID = Pattern.compile("\"vmId\"\\s*:\\s*\"([^\"]+)\"");

    private record Answer(int number, int status, String vmId, long sentNanos, long answeredNanos, Instant sentAt,
                          String problem) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new TreeMap<>(Map.of("--rate", "500", "--seconds", "30", "--hosts", "1000",
                "--existing", "10000", "--memory-mib", "256", "--settle-seconds", "30", "--warmup", "3000"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + options.keySet());
            }
            options.put(args[i], args[i + 1]);
        }
        int rate = Integer.parseInt(options.get("--rate"));
        int seconds = Integer.parseInt(options.get("--seconds"));
        int hosts = Integer.parseInt(options.get("--hosts"));
        int existing = Integer.parseInt(options.get("--existing"));
        long memoryMib = Long.parseLong(options.get("--memory-mib"));
        int settle = Integer.parseInt(options.get("--settle-seconds"));
        int warmup = Integer.parseInt(options.get("--warmup"));

        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 6);
        int status = 1;
        try {
            broker.afterPropertiesSet();
            try (ConfigurableApplicationContext context = SchedulerApplication.builder().run(
                    "--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                    "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                    "--kvmha.kafka.source=/kvmha/create-rate-benchmark")) {
                run(context, broker.getBrokersAsString(), rate, seconds, hosts, existing, memoryMib, settle, warmup);
                status = 0;
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
        } finally {
            broker.destroy();
        }
        // The broker's and the HTTP client's threads would keep a failed run alive.
        System.exit(status);
    }

    private static void run(ConfigurableApplicationContext context, String brokers, int rate, int seconds, int hosts,
                            int existing, long memoryMib, int settle, int warmup) throws Exception {
        ClusterView view = context.getBean(ClusterView.class);
        EventPublisher publisher = context.getBean(EventPublisher.class);
        if (!context.getBean(ActivePlacer.class).awaitActive(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the scheduler did not become the active placer");
        }
        long t0 = System.nanoTime();
        List<CompletableFuture<?>> seeds = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            seeds.add(publisher.publish(Fixtures.numaHost(hostId(h), 2, 8, 32 * 1024, 0,
                    Map.of("rack", "r" + h / 50))));
        }
        Instant now = Instant.now();
        for (int v = 0; v < existing; v++) {
            String id = UUID.randomUUID().toString();
            seeds.add(publisher.publish(new VmSpec(id, "vm-%05d".formatted(v), 1, 512, tierOf(v), HaPolicy.RESTART,
                    v % 10, Map.of(), now)));
            seeds.add(publisher.publish(new Placement(id, hostId(v % hosts), 1, List.of(v / hosts % 2), "seeded",
                    null, now)));
        }
        CompletableFuture.allOf(seeds.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (view.read(l -> l.hosts().size() < hosts || l.specs().size() < existing)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the view did not load the seeded hosts and VMs");
            }
            Thread.sleep(100);
        }
        System.out.printf(Locale.ROOT, "seeded %d hosts and %d VMs in %d ms%n", hosts, existing,
                (System.nanoTime() - t0) / 1_000_000);

        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        URI vms = URI.create("http://127.0.0.1:" + port + "/api/v1/vms");
        ExecutorService httpExecutor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).executor(httpExecutor).build();

        // Warm-up (JIT, connection pool), closed loop, 8 in flight, not counted: the simulation's scheduler has
        // created its 10,000 VMs through the API before its rate test.
        List<CompletableFuture<Answer>> warm = new ArrayList<>();
        for (int i = 0; i < warmup; i++) {
            warm.add(create(http, vms, "warm-%05d".formatted(i), i, memoryMib));
            if (warm.size() % 8 == 0) {
                CompletableFuture.allOf(warm.toArray(CompletableFuture[]::new)).join();
            }
        }
        long warmAccepted = warm.stream().map(CompletableFuture::join).filter(a -> a.status() == 201).count();
        System.out.printf(Locale.ROOT, "warm-up: %d of %d accepted%n", warmAccepted, warm.size());

        try (Observer observer = new Observer(brokers)) {
            observer.start();
            int total = rate * seconds;
            List<CompletableFuture<Answer>> answers = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger sent = new AtomicInteger();
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
            long cpuBefore = processCpuNanos();
            Map<Long, Long> threadsBefore = schedulerThreadCpu();
            String loadBefore = loadAverage();
            long start = System.nanoTime();
            pacer.scheduleAtFixedRate(() -> {
                int n = sent.incrementAndGet();
                if (n <= total) {
                    answers.add(create(http, vms, "p-%06d".formatted(n), n, memoryMib));
                }
            }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
            while (sent.get() < total) {
                Thread.sleep(50);
            }
            pacer.shutdownNow();
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            List<Answer> done = new ArrayList<>(answers).stream().map(CompletableFuture::join).toList();
            List<Answer> accepted = done.stream().filter(a -> a.status() == 201 && a.vmId() != null).toList();
            long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settle);
            while (System.nanoTime() < settleDeadline && !observer.sawAll(accepted)) {
                Thread.sleep(100);
            }
            report(done, accepted, observer, rate, total, sendSeconds);
            long schedulerCpu = 0;
            for (Map.Entry<Long, Long> thread : schedulerThreadCpu().entrySet()) {
                schedulerCpu += thread.getValue() - threadsBefore.getOrDefault(thread.getKey(), 0L);
            }
            System.out.printf(Locale.ROOT, "CPU per offered request: %.2f ms this JVM (broker + scheduler + client), %.2f ms the "
                            + "scheduler's request, producer and listener threads; load average before %s, after %s%n",
                    (processCpuNanos() - cpuBefore) / 1e6 / total, schedulerCpu / 1e6 / total, loadBefore,
                    loadAverage());
        }
        httpExecutor.shutdownNow();
    }

    private static void report(List<Answer> done, List<Answer> accepted, Observer observer, int rate, int total,
                               double sendSeconds) {
        List<Double> decision = new ArrayList<>();
        List<Double> readBack = new ArrayList<>();
        List<Double> answer = new ArrayList<>();
        int lost = 0;
        for (Answer a : accepted) {
            answer.add((a.answeredNanos() - a.sentNanos()) / 1e6);
            Observer.Seen placement = observer.placements.get(a.vmId());
            if (placement == null || !observer.specs.containsKey(a.vmId()) || !observer.commands.containsKey(a.vmId())) {
                lost++;
            }
            if (placement != null) {
                decision.add(Duration.between(a.sentAt(), Instant.ofEpochMilli(placement.recordTimeMillis()))
                        .toNanos() / 1e6);
                readBack.add((placement.readNanos() - a.sentNanos()) / 1e6);
            }
        }
        long unanswered = done.stream().filter(a -> a.status() < 0).count();
        Map<String, Long> statuses = new TreeMap<>();
        done.stream().filter(a -> a.status() != 201).forEach(a -> statuses.merge(a.status() < 0
                ? "unanswered: " + a.problem() : "HTTP " + a.status(), 1L, Long::sum));
        System.out.printf(Locale.ROOT, "offered %d/s for %.1f s: %d requests, %d accepted (201), %d unanswered, "
                        + "%d lost (201 without Placement+VmSpec+HostCommand on Kafka)%n",
                rate, sendSeconds, total, accepted.size(), unanswered, lost);
        System.out.printf(Locale.ROOT, "decision latency (sent -> Placement record timestamp) ms: %s%n",
                percentiles(decision));
        System.out.printf(Locale.ROOT, "read-back latency (sent -> Placement consumed) ms: %s%n", percentiles(readBack));
        System.out.printf(Locale.ROOT, "HTTP answer latency (sent -> 201) ms: %s%n", percentiles(answer));
        if (!statuses.isEmpty()) {
            System.out.println("not accepted: " + statuses);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time per live thread of the scheduler: Tomcat workers, its Kafka producer and its listener containers. */
    private static Map<Long, Long> schedulerThreadCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("http-nio-")
                    || info.getThreadName().startsWith("kafka-producer-network-thread | scheduler-service")
                    || info.getThreadName().startsWith("scheduler."))) {
                cpu.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return cpu;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static String percentiles(List<Double> values) {
        if (values.isEmpty()) {
            return "none";
        }
        List<Double> sorted = values.stream().sorted().toList();
        return String.format(Locale.ROOT, "p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (n=%d)", at(sorted, 50),
                at(sorted, 90), at(sorted, 99), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static double at(List<Double> sorted, double percentile) {
        int index = (int) Math.ceil(percentile / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static CompletableFuture<Answer> create(HttpClient http, URI vms, String name, int number, long memoryMib) {
        String body = """
                {"name":"%s","vcpus":1,"memoryMib":%d,"tier":"%s","haPolicy":"RESTART","priority":%d}"""
                .formatted(name, memoryMib, tierOf(number), number % 10);
        HttpRequest request = HttpRequest.newBuilder(vms).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Instant sentAt = Instant.now();
        long sentNanos = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            long answered = System.nanoTime();
            if (failure != null) {
                return new Answer(number, -1, null, sentNanos, answered, sentAt, failure.getClass().getSimpleName()
                        + (failure.getCause() == null ? "" : "/" + failure.getCause().getClass().getSimpleName()));
            }
            Matcher id = VM_ID.matcher(response.body());
            return new Answer(number, response.statusCode(), id.find() ? id.group(1) : null, sentNanos, answered,
                    sentAt, null);
        });
    }

    /** The simulation's tier mix: 1 in 5 GOLD, 2 in 5 SILVER, 2 in 5 BRONZE. */
    private static Tier tierOf(int number) {
        return switch (number % 5) {
            case 0 -> Tier.GOLD;
            case 1, 2 -> Tier.SILVER;
            default -> Tier.BRONZE;
        };
    }

    private static String hostId(int h) {
        return "h%04d".formatted(h);
    }

    /** Reads placements, specs and commands from their end (keys and timestamps only, no decoding). */
    private static final class Observer implements AutoCloseable {

        record Seen(long recordTimeMillis, long readNanos) {
        }

        final Map<String, Seen> placements = new ConcurrentHashMap<>();
        final Map<String, Boolean> specs = new ConcurrentHashMap<>();
        final Map<String, Boolean> commands = new ConcurrentHashMap<>();
        private final KafkaConsumer<String, byte[]> consumer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Observer(String brokers) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                    ConsumerConfig.GROUP_ID_CONFIG, "create-rate-observer-" + UUID.randomUUID(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic topic : List.of(Topic.PLACEMENTS, Topic.VM_SPECS, Topic.HOST_COMMANDS)) {
                consumer.partitionsFor(topic.topicName()).forEach(p ->
                        partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(this::poll, "bench-observer");
        }

        void start() {
            thread.start();
        }

        private void poll() {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(20));
                long readNanos = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (r.value() == null) {
                        continue;
                    }
                    if (r.topic().equals(Topic.PLACEMENTS.topicName())) {
                        placements.putIfAbsent(r.key(), new Seen(r.timestamp(), readNanos));
                    } else if (r.topic().equals(Topic.VM_SPECS.topicName())) {
                        specs.put(r.key(), true);
                    } else {
                        // Commands are keyed by host; the VM id is in the payload.
                        Matcher vm = VM_ID.matcher(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
                        if (vm.find()) {
                            commands.put(vm.group(1), true);
                        }
                    }
                }
            }
        }

        boolean sawAll(List<Answer> accepted) {
            return accepted.stream().allMatch(a -> placements.containsKey(a.vmId()) && specs.containsKey(a.vmId())
                    && commands.containsKey(a.vmId()));
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
