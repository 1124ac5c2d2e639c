package io.kvmha.failover.kafka;

import static org.awaitility.Awaitility.await;

import io.kvmha.bmc.RedfishBmcEmulator;
import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.contracts.spring.EventPublisher;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.failover.core.FailoverEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the scenario tests share: they play the agents (heartbeats every 100 ms from the hosts in
 * {@link #beating}, with the {@link #domains} given), watch the service's output topics, and call its REST API.
 */
abstract class ScenarioHarness {

    @Autowired
    EventPublisher publisher;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    ConsumerFactory<?, ?> consumers;
    @Autowired
    FailoverEngine engine;
    @LocalServerPort
    int port;

    final Set<String> beating = ConcurrentHashMap.newKeySet();
    final Map<String, List<HostHeartbeat.DomainStatus>> domains = new ConcurrentHashMap<>();
    /** What the simulated agents say in {@code domainsComplete}: null plays agents older than the field. */
    volatile Boolean domainsComplete;
    final AtomicLong sequence = new AtomicLong();
    final ScheduledExecutorService agents = Executors.newSingleThreadScheduledExecutor();
    final List<Object> seen = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    /** Redfish access to the emulator's systems for every host, credentials in files. */
    static void registerBmcs(DynamicPropertyRegistry registry, RedfishBmcEmulator bmc, String password, List<String> hosts)
            throws IOException {
        Path dir = Files.createTempDirectory("kvmha-bmc-creds");
        Path user = Files.writeString(dir.resolve("user"), "fencer\n");
        Path secret = Files.writeString(dir.resolve("password"), password + "\n");
        for (String host : hosts) {
            String prefix = "kvmha.failover.fencing.hosts." + host + ".redfish.";
            registry.add(prefix + "url", () -> bmc.systemUri(host).toString());
            registry.add(prefix + "username-file", user::toString);
            registry.add(prefix + "password-file", secret::toString);
        }
    }

    void startAgents(List<String> hosts) {
        beating.addAll(hosts);
        agents.scheduleAtFixedRate(this::heartbeats, 0, 100, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stopAgents() {
        agents.shutdownNow();
    }

    HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path
                        : "http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void heartbeats() {
        long seq = sequence.incrementAndGet();
        for (String host : beating) {
            publisher.publish(new HostHeartbeat(host, seq, Instant.now(), seq * 100, "test",
                    HostHeartbeat.LibvirtConnectivity.CONNECTED, domains.getOrDefault(host, List.of()), false, false,
                    domainsComplete));
        }
    }

    Consumer<?, ?> watcher() {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Consumer<?, ?> consumer = consumers.createConsumer("it-watch", "it-watch", null, overrides);
        consumer.subscribe(List.of(Topic.Names.HOST_HEALTH, Topic.Names.PLACEMENT_REQUESTS, Topic.Names.HOST_COMMANDS,
                Topic.Names.RECOVERIES, Topic.Names.ALERTS));
        return consumer;
    }

    <T> T awaitEvent(Consumer<?, ?> watch, Class<T> type, Predicate<T> match) {
        return await().atMost(Duration.ofSeconds(20)).pollInSameThread().until(() -> {
            watch.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
            return seen.stream().filter(type::isInstance).map(type::cast).filter(match).findFirst().orElse(null);
        }, found -> found != null);
    }
}
