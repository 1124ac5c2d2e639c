package io.kvmha.simulation.plane;

import io.kvmha.bmc.RedfishBmcEmulator;
import io.kvmha.contracts.spring.KvmHaKafkaAutoConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production side of a simulation: a standalone Kafka broker, the scheduler, failover and monitor services
 * from their exec jars (each its own process, as in production) and one in-process Redfish BMC emulator serving
 * every simulated host, which the failover service is configured to fence with (a generated yml given through
 * {@code --spring.config.additional-location}). Everything listens on 127.0.0.1; everything started here is
 * stopped by {@link #close()}, also when start-up fails halfway.
 */
public final class ControlPlane implements AutoCloseable {

    /** Services in start order; every one is a module with an exec jar. */
    public static final List<String> SERVICES = List.of("scheduler-service", "failover-service", "monitor-service");
    static final String BMC_USER = "fencer";
    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

    /**
     * @param repositoryRoot where testbed/kafka-broker and the services' target/ directories are
     * @param workDir        broker data, logs, generated configuration
     * @param kafkaClasspath the broker's classpath file, resolved with {@code testbed/kafka-broker classpath} if missing
     * @param hostIds        the simulated hosts (one BMC system each)
     * @param serviceJvm     JVM options of every service
     * @param serviceArgs    extra Spring arguments of every service
     */
    public record Options(Path repositoryRoot, Path workDir, Path kafkaClasspath, List<String> hostIds, String brokerHeap,
                          List<String> serviceJvm, List<String> serviceArgs) {
        public Options {
            hostIds = List.copyOf(hostIds);
            serviceJvm = List.copyOf(serviceJvm);
            serviceArgs = List.copyOf(serviceArgs);
        }
    }

    private final Options options;
    private KafkaBroker broker;
    private RedfishBmcEmulator bmc;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::close, "control-plane-shutdown");

    private ControlPlane(Options options) {
        this.options = options;
    }

    public static ControlPlane start(Options options) {
        ControlPlane plane = new ControlPlane(options);
        Runtime.getRuntime().addShutdownHook(plane.shutdownHook);
        try {
            plane.startAll();
            return plane;
        } catch (RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    private void startAll() {
        Path work = options.workDir();
        Path classpath = KafkaBroker.classpath(options.repositoryRoot(), options.kafkaClasspath());
        broker = KafkaBroker.start(options.repositoryRoot(), work.resolve("kafka"), classpath, options.brokerHeap());
        createTopics();
        String password = UUID.randomUUID().toString();
        bmc = RedfishBmcEmulator.start(BMC_USER, password, options.hostIds().toArray(String[]::new));
        Path fencing = writeFencingConfig(work.resolve("config"), password);
        for (String name : SERVICES) {
            List<String> args = new ArrayList<>(options.serviceArgs());
            args.add("--kvmha.kafka.create-topics=false");
            if (name.equals("failover-service")) {
                args.add("--spring.config.additional-location=file:" + fencing);
            }
            services.put(name, ServiceProcess.start(options.repositoryRoot(), name, broker.bootstrapServers(),
                    work.resolve("logs"), options.serviceJvm(), args));
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(Duration.ofSeconds(120));
        }
        log.info("control plane up: broker {} pid={}, {}", broker.bootstrapServers(), broker.pid(),
                services.values().stream().map(s -> s.name() + " pid=" + s.pid() + " " + s.baseUrl()).toList());
    }

    private void createTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(KvmHaKafkaAutoConfiguration.newTopics(1)).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create the catalogue's topics: " + e.getCause().getMessage(), e);
        }
    }

    /** kvmha.failover.fencing.hosts.<host>.redfish for every host, credentials in files as in production. */
    private Path writeFencingConfig(Path dir, String password) {
        try {
            Files.createDirectories(dir);
            Path user = Files.writeString(dir.resolve("bmc.user"), BMC_USER);
            Path secret = Files.writeString(dir.resolve("bmc.password"), password);
            StringBuilder yml = new StringBuilder("kvmha:\n  failover:\n    fencing:\n      hosts:\n");
            for (String host : options.hostIds()) {
                yml.append("        ").append(host).append(":\n")
                        .append("          redfish:\n")
                        .append("            url: ").append(bmc.systemUri(host)).append('\n')
                        .append("            username-file: ").append(user).append('\n')
                        .append("            password-file: ").append(secret).append('\n');
            }
            return Files.writeString(dir.resolve("failover-fencing.yml"), yml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fencing configuration", e);
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public RedfishBmcEmulator bmc() {
        return bmc;
    }

    public ServiceProcess service(String name) {
        ServiceProcess service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("no service " + name);
        }
        return service;
    }

    /** Pids of the services and the broker, by name, for resource sampling. */
    public Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        services.forEach((name, service) -> pids.put(name, service.pid()));
        if (broker != null) {
            pids.put("kafka-broker", broker.pid());
        }
        return pids;
    }

    @Override
    public synchronized void close() {
        for (ServiceProcess service : services.values()) {
            try {
                service.close();
            } catch (RuntimeException e) {
                log.warn("stopping {} failed: {}", service.name(), e.toString());
            }
        }
        services.clear();
        if (bmc != null) {
            bmc.close();
            bmc = null;
        }
        if (broker != null) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                log.warn("stopping the broker failed: {}", e.toString());
            }
            broker = null;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }
}
