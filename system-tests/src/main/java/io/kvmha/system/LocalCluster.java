package io.kvmha.system;

import io.kvmha.agent.HostAgentApplication;
import io.kvmha.contracts.spring.KvmHaKafkaAutoConfiguration;
import io.kvmha.failover.FailoverApplication;
import io.kvmha.monitor.MonitorApplication;
import io.kvmha.scheduler.SchedulerApplication;
import io.kvmha.bmc.PowerState;
import io.kvmha.bmc.RedfishBmcEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The whole control plane in one JVM: an in-process KRaft broker, the scheduler, failover and monitor
 * services, and one host-agent per simulated host on libvirt's test driver. Each service is its own
 * Spring context, configured as in production except for ports and the broker address.
 */
public final class LocalCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    /**
     * @param hosts      simulated hosts (host-agents), named h1..hN
     * @param fixedPorts serve the REST APIs on their documented ports (8082-8084) instead of random ones
     * @param extraArgs  further Spring arguments given to every service, e.g. {@code --kvmha.failover.down-after=2s}
     */
    public record Options(int hosts, boolean fixedPorts, List<String> extraArgs, boolean bmc) {
        public Options {
            if (hosts < 1) {
                throw new IllegalArgumentException("a cluster needs at least one host, got " + hosts);
            }
            extraArgs = List.copyOf(extraArgs);
        }

        /** Without BMCs: the failover service can only rely on the agents' self-fencing. */
        public Options(int hosts, boolean fixedPorts, List<String> extraArgs) {
            this(hosts, fixedPorts, extraArgs, false);
        }

        /** The same cluster with a Redfish BMC (emulated, real HTTP) for every host. */
        public Options withBmc() {
            return new Options(hosts, fixedPorts, extraArgs, true);
        }
    }

    /** The user the failover service fences with; the password is random per cluster. */
    static final String BMC_USER = "fencer";

    private final EmbeddedKafkaKraftBroker broker;
    private final Map<String, ConfigurableApplicationContext> services = new LinkedHashMap<>();
    private final Map<String, ConfigurableApplicationContext> agents = new java.util.concurrent.ConcurrentHashMap<>();
    private final Options options;
    private RedfishBmcEmulator bmc;
    private final List<String> fencingArgs = new ArrayList<>();

    private LocalCluster(Options options, EmbeddedKafkaKraftBroker broker) {
        this.options = options;
        this.broker = broker;
    }

    public static LocalCluster start(Options options) {
        // One JVM, several Spring applications: logging is configured once by logback.xml, not per context.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of(
                "auto.create.topics.enable", "false",
                "group.initial.rebalance.delay.ms", "0"));
        broker.afterPropertiesSet();
        LocalCluster cluster = new LocalCluster(options, broker);
        try {
            cluster.createTopics();
            if (options.bmc()) {
                cluster.startBmc();
            }
            cluster.startServices();
            for (int i = 1; i <= options.hosts(); i++) {
                cluster.startAgent("h" + i);
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void createTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(KvmHaKafkaAutoConfiguration.newTopics(1)).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create the catalogue's topics: " + e.getCause().getMessage(), e);
        }
    }

    /**
     * One emulated Redfish BMC serving every host. Its power button is wired to the host: Off stops
     * the host's agent and with it the host's domains (a power loss); On boots the host again.
     */
    private void startBmc() {
        List<String> hostIds = new ArrayList<>();
        for (int i = 1; i <= options.hosts(); i++) {
            hostIds.add("h" + i);
        }
        String password = UUID.randomUUID().toString();
        bmc = RedfishBmcEmulator.start(BMC_USER, password, hostIds.toArray(String[]::new));
        try {
            Path dir = Files.createTempDirectory("kvmha-bmc-credentials");
            Path user = Files.writeString(dir.resolve("username"), BMC_USER);
            Path secret = Files.writeString(dir.resolve("password"), password);
            dir.toFile().deleteOnExit();
            user.toFile().deleteOnExit();
            secret.toFile().deleteOnExit();
            for (String host : hostIds) {
                String prefix = "--kvmha.failover.fencing.hosts." + host + ".redfish.";
                fencingArgs.add(prefix + "url=" + bmc.systemUri(host));
                fencingArgs.add(prefix + "username-file=" + user);
                fencingArgs.add(prefix + "password-file=" + secret);
                bmc.onPowerChange(host, (id, state) -> {
                    if (state == PowerState.Off && agents.containsKey(id)) {
                        powerOff(id);
                    } else if (state == PowerState.On && !agents.containsKey(id)) {
                        startAgent(id);
                    }
                });
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the BMC credential files", e);
        }
    }

    /** The emulated BMC of every host (for tests that inject BMC faults), if the cluster has one. */
    public RedfishBmcEmulator bmc() {
        if (bmc == null) {
            throw new IllegalStateException("this cluster was started without BMCs (Options.withBmc())");
        }
        return bmc;
    }

    /**
     * A host loses power: with a BMC, its chassis reads Off from now on (which is what lets the failover
     * service fence it at once); without one, the host just goes silent.
     */
    public void powerLoss(String hostId) {
        powerOff(hostId);
        if (bmc != null) {
            bmc.setPowerState(hostId, PowerState.Off);
        }
    }

    private void startServices() {
        Map<String, Supplier<SpringApplicationBuilder>> builders = new LinkedHashMap<>();
        builders.put("scheduler-service", SchedulerApplication::builder);
        builders.put("failover-service", FailoverApplication::builder);
        builders.put("monitor-service", MonitorApplication::builder);
        Map<String, Integer> ports = Map.of("scheduler-service", 8082, "failover-service", 8083, "monitor-service", 8084);
        ExecutorService starter = Executors.newFixedThreadPool(builders.size());
        try {
            Map<String, Future<ConfigurableApplicationContext>> starting = new LinkedHashMap<>();
            builders.forEach((name, builder) -> starting.put(name, starter.submit(() -> {
                List<String> args = new ArrayList<>(List.of(args(options.fixedPorts() ? ports.get(name) : 0)));
                if (name.equals("failover-service")) {
                    args.addAll(fencingArgs);
                }
                return builder.get().run(args.toArray(String[]::new));
            })));
            for (var entry : starting.entrySet()) {
                services.put(entry.getKey(), entry.getValue().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting services", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a service failed to start: " + e.getCause().getMessage(), e.getCause());
        } finally {
            starter.shutdown();
        }
    }

    /**
     * Stops a control-plane service (as a crash would: it gets no chance to finish its work) and starts a
     * new instance with the same configuration, which must take over from what Kafka recorded.
     */
    public void restartService(String name) {
        ConfigurableApplicationContext old = services.remove(name);
        if (old == null) {
            throw new IllegalArgumentException("no service " + name + "; running: " + services.keySet());
        }
        String port = old.getEnvironment().getProperty("local.server.port");
        old.close();
        log.info("stopped {}", name);
        Supplier<SpringApplicationBuilder> builder = switch (name) {
            case "scheduler-service" -> SchedulerApplication::builder;
            case "failover-service" -> FailoverApplication::builder;
            case "monitor-service" -> MonitorApplication::builder;
            default -> throw new IllegalArgumentException("unknown service " + name);
        };
        List<String> args = new ArrayList<>(List.of(args(Integer.parseInt(port))));
        if (name.equals("failover-service")) {
            args.addAll(fencingArgs);
        }
        services.put(name, builder.get().run(args.toArray(String[]::new)));
        log.info("started {} again on port {}", name, port);
    }

    /** Starts (or restarts) the agent of a simulated host. */
    public synchronized void startAgent(String hostId) {
        List<String> args = new ArrayList<>(List.of(args(0)));
        args.add("--kvmha.agent.host-id=" + hostId);
        args.add("--kvmha.agent.simulation.enabled=true");
        args.add("--spring.application.name=host-agent-" + hostId);
        args.add("--kvmha.kafka.source=/kvmha/host-agent/" + hostId);
        agents.put(hostId, HostAgentApplication.builder().run(args.toArray(String[]::new)));
        log.info("started host-agent host={} on {}", hostId, url(agents.get(hostId)));
    }

    /**
     * Simulated power loss: the agent stops at once and its libvirt test-driver connection closes,
     * so the host's domains are gone with it.
     */
    public void powerOff(String hostId) {
        ConfigurableApplicationContext agent = agents.remove(hostId);
        if (agent == null) {
            return; // already off
        }
        agent.close();
        log.info("powered off host={}", hostId);
    }

    private String[] args(int port) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--kvmha.kafka.create-topics=false",
                "--spring.main.banner-mode=off",
                "--spring.jmx.enabled=false"));
        args.addAll(options.extraArgs());
        return args.toArray(String[]::new);
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    public String schedulerUrl() {
        return url(services.get("scheduler-service"));
    }

    public String failoverUrl() {
        return url(services.get("failover-service"));
    }

    public String monitorUrl() {
        return url(services.get("monitor-service"));
    }

    /** The REST/actuator base URL of a running host's agent. */
    public String agentUrl(String hostId) {
        return url(agent(hostId));
    }

    public List<String> runningHosts() {
        return agents.keySet().stream().sorted().toList();
    }

    /** The Spring context of a running agent, for tests that look at its hypervisor directly. */
    public ConfigurableApplicationContext agent(String hostId) {
        ConfigurableApplicationContext agent = agents.get(hostId);
        if (agent == null) {
            throw new IllegalArgumentException("no running host " + hostId);
        }
        return agent;
    }

    private static String url(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    @Override
    public void close() {
        List<ConfigurableApplicationContext> all = new ArrayList<>(agents.values());
        all.addAll(services.values());
        for (ConfigurableApplicationContext context : all) {
            try {
                context.close();
            } catch (RuntimeException e) {
                log.warn("closing {} failed: {}", context.getId(), e.getMessage());
            }
        }
        agents.clear();
        services.clear();
        if (bmc != null) {
            bmc.close();
        }
        broker.destroy();
    }
}
