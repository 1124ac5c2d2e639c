package io.kvmha.simulation.fleet;

import io.kvmha.contracts.codec.CloudEventCodec;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.kafka.EventDeserializer;
import io.kvmha.contracts.topic.Topic;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many simulated hosts in one JVM against a real broker. Shared: two producers, one consumer of
 * {@code host.commands} and {@code placements} that dispatches each record by host id to its host (a real agent
 * reads the same topics in its own group and drops what is not addressed to it), a heartbeat scheduler (each host's
 * beats staggered across the interval) and a scheduler for domain listings and metric samples.
 */
public final class SimulatedFleet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedFleet.class);

    private final FleetSpec spec;
    private final Path hostFileDir;
    private final FleetProducers producers;
    private final Map<String, SimulatedHost> hosts = new ConcurrentHashMap<>();
    private final Map<String, List<ScheduledFuture<?>>> schedules = new ConcurrentHashMap<>();
    private final List<VmStart> starts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService beats;
    private final ScheduledExecutorService chores;
    private final ExecutorService commandPool;
    private final Thread consumerThread;
    private final KafkaConsumer<String, KvmHaEvent> consumer;
    private final Clock clock = Clock.systemUTC();
    private volatile boolean running = true;
    private volatile boolean assigned;

    private SimulatedFleet(FleetSpec spec, String bootstrapServers, Path hostFileDir) {
        this.spec = spec;
        this.hostFileDir = hostFileDir;
        this.producers = new FleetProducers(bootstrapServers);
        this.beats = Executors.newScheduledThreadPool(2, daemon("sim-heartbeats"));
        this.chores = Executors.newScheduledThreadPool(2, daemon("sim-chores"));
        this.commandPool = Executors.newFixedThreadPool(8, daemon("sim-commands"));
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "kvmha-simulated-fleet-" + UUID.randomUUID(),
                ConsumerConfig.CLIENT_ID_CONFIG, "kvmha-simulated-fleet",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                new StringDeserializer(), new EventDeserializer(new CloudEventCodec(FleetProducers.AGENT_SOURCE)));
        this.consumerThread = daemon("sim-command-consumer").newThread(this::consume);
    }

    /** Starts every host of {@code spec}: connects it, publishes its inventory, starts its heartbeats. */
    public static SimulatedFleet start(FleetSpec spec, String bootstrapServers, Path hostFileDir) {
        SimulatedFleet fleet = new SimulatedFleet(spec, bootstrapServers, hostFileDir);
        try {
            fleet.consumerThread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!fleet.assigned && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (!fleet.assigned) {
                throw new IllegalStateException("the fleet's command consumer got no partitions within 60 s");
            }
            ExecutorService booting = Executors.newFixedThreadPool(4, daemon("sim-boot"));
            try {
                List<java.util.concurrent.Future<?>> boots = new ArrayList<>();
                for (int i = 0; i < spec.hosts(); i++) {
                    int index = i;
                    boots.add(booting.submit(() -> fleet.boot(spec.hostId(index), spec.rackOf(index))));
                }
                for (var boot : boots) {
                    boot.get();
                }
            } finally {
                booting.shutdown();
            }
            log.info("simulated fleet: {} hosts ({} per rack), heartbeats every {} ms", spec.hosts(), spec.hostsPerRack(),
                    spec.heartbeatInterval().toMillis());
            return fleet;
        } catch (Exception e) {
            fleet.close();
            throw new IllegalStateException("the simulated fleet did not start: " + e, e);
        }
    }

    private void boot(String hostId, String rack) {
        SimulatedHost host = new SimulatedHost(hostId, Map.of("rack", rack), spec.topology(), hostFileDir, producers,
                commandPool, clock, starts::add);
        host.boot();
        hosts.put(hostId, host);
        long beatMs = spec.heartbeatInterval().toMillis();
        long offset = Math.floorMod(hostId.hashCode(), (int) beatMs);
        long metricMs = spec.metricsInterval().toMillis();
        long refreshMs = spec.domainRefresh().toMillis();
        schedules.put(hostId, List.of(
                beats.scheduleAtFixedRate(safely(host::beat), offset, beatMs, TimeUnit.MILLISECONDS),
                chores.scheduleWithFixedDelay(safely(host::refreshDomains), offset, refreshMs, TimeUnit.MILLISECONDS),
                chores.scheduleAtFixedRate(safely(host::sampleMetrics), offset * metricMs / beatMs + metricMs, metricMs,
                        TimeUnit.MILLISECONDS)));
    }

    private void consume() {
        try {
            consumer.subscribe(List.of(Topic.HOST_COMMANDS.topicName(), Topic.PLACEMENTS.topicName()),
                    new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                        @Override
                        public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                        }

                        @Override
                        public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                            assigned = true;
                        }
                    });
            while (running) {
                try {
                    var records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, KvmHaEvent> record : records) {
                        dispatch(record.value());
                    }
                    if (!records.isEmpty()) {
                        consumer.commitAsync(); // as a listener container does per batch: keeps the group's lag honest
                    }
                } catch (RecordDeserializationException e) {
                    log.warn("fleet consumer skips an unreadable record at {} offset {}: {}", e.topicPartition(), e.offset(),
                            e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void dispatch(KvmHaEvent event) {
        if (event instanceof HostCommand command) {
            SimulatedHost host = hosts.get(command.hostId());
            if (host != null) {
                host.onCommand(command);
            }
        } else if (event instanceof Placement placement) {
            SimulatedHost host = hosts.get(placement.hostId());
            if (host != null) {
                host.onPlacement(placement);
            }
        }
    }

    public FleetSpec spec() {
        return spec;
    }

    public SimulatedHost host(String hostId) {
        SimulatedHost host = hosts.get(hostId);
        if (host == null) {
            throw new IllegalArgumentException("no simulated host " + hostId);
        }
        return host;
    }

    public List<SimulatedHost> hosts() {
        return hosts.values().stream().sorted(java.util.Comparator.comparing(SimulatedHost::hostId)).toList();
    }

    /** Hosts that are on and reachable. */
    public List<SimulatedHost> liveHosts() {
        return hosts().stream().filter(h -> h.power() == SimulatedHost.Power.ON).toList();
    }

    /** Every VM start the fleet performed so far, in order. */
    public List<VmStart> starts() {
        return List.copyOf(starts);
    }

    /** Heartbeats of all hosts the broker acknowledged so far. */
    public long heartbeatsAcked() {
        return hosts.values().stream().mapToLong(SimulatedHost::heartbeatsAcked).sum();
    }

    public int startCount() {
        return starts.size();
    }

    /** Power loss of a host (the BMC's state is the caller's business). */
    public void powerOff(String hostId) {
        SimulatedHost host = host(hostId);
        List<ScheduledFuture<?>> jobs = schedules.remove(hostId);
        if (jobs != null) {
            jobs.forEach(job -> job.cancel(false));
        }
        host.powerOff();
        log.info("host={} lost power: heartbeats stopped, domains gone", hostId);
    }

    /** The host is cut off from the network: silent, deaf, its domains keep running. */
    public void partition(String hostId) {
        host(hostId).partition();
        log.info("host={} partitioned", hostId);
    }

    public void heal(String hostId) {
        host(hostId).heal();
        log.info("host={} partition healed", hostId);
    }

    /** VM ids running on more than one live host at once (a double run: what fencing must prevent). */
    public Map<String, List<String>> doubleRuns() {
        Map<String, List<String>> where = new java.util.HashMap<>();
        for (SimulatedHost host : hosts()) {
            for (var domain : host.runningDomains()) {
                where.computeIfAbsent(domain.uuid(), k -> new ArrayList<>()).add(host.hostId());
            }
        }
        where.values().removeIf(h -> h.size() < 2);
        return where;
    }

    /** How many domains run on live hosts. */
    public int runningVmCount() {
        return hosts().stream().mapToInt(h -> h.runningDomains().size()).sum();
    }

    private static Runnable safely(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.debug("simulated host task failed: {}", e.toString());
            }
        };
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        beats.shutdownNow();
        chores.shutdownNow();
        commandPool.shutdownNow();
        try {
            consumerThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SimulatedHost host : hosts.values()) {
            if (host.power() != SimulatedHost.Power.OFF) {
                try {
                    host.powerOff();
                } catch (RuntimeException e) {
                    log.debug("host={} close failed: {}", host.hostId(), e.toString());
                }
            }
        }
        producers.close();
    }
}
