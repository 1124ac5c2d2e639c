package io.kvmha.monitor.tools;

import com.sun.net.httpserver.HttpServer;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.monitor.MonitorApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One monitor service wired to a real Alertmanager (Debian's prometheus-alertmanager on a free loopback
 * port, with deploy/alertmanager/alertmanager.yml whose webhooks point at a recorder in this JVM and
 * whose group timers are shortened to 1 s). Shared by the real-tool integration tests through Spring's
 * context cache; the Alertmanager is stopped when the test JVM ends (shutdown hook), also on failure.
 */
@SpringBootTest(classes = MonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=monitor-service",
            "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
            "kvmha.monitor.resend-interval=2s"})
@EmbeddedKafka
public abstract class RealToolsContext {

    /** Webhook notifications Alertmanager sent, as (path, JSON body). */
    public record Notification(String path, String body) {
    }

    static final List<Notification> NOTIFICATIONS = new CopyOnWriteArrayList<>();
    static RealTools.Server alertmanager;
    static HttpServer webhook;

    @Autowired
    protected EmbeddedKafkaBroker broker;
    @Autowired
    protected KafkaListenerEndpointRegistry listeners;

    @DynamicPropertySource
    static synchronized void alertmanager(DynamicPropertyRegistry registry) throws IOException {
        if (Files.isExecutable(RealTools.ALERTMANAGER) && alertmanager == null) {
            webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            webhook.createContext("/", exchange -> {
                NOTIFICATIONS.add(new Notification(exchange.getRequestURI().getPath(),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            webhook.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> webhook.stop(0)));
            Path dir = Files.createTempDirectory("alertmanager-it");
            String config = Files.readString(RealTools.deploy("alertmanager/alertmanager.yml"))
                    .replace("http://127.0.0.1:9099", "http://127.0.0.1:" + webhook.getAddress().getPort())
                    .replaceAll("group_wait: \\S+", "group_wait: 1s")
                    .replaceAll("group_interval: \\S+", "group_interval: 1s");
            Files.writeString(dir.resolve("alertmanager.yml"), config);
            int port = RealTools.freePort();
            alertmanager = new RealTools.Server(dir, port, List.of(RealTools.ALERTMANAGER.toString(),
                    "--config.file=" + dir.resolve("alertmanager.yml"),
                    "--storage.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=",
                    "--log.level=info"));
            try {
                alertmanager.awaitReady("/-/ready", Duration.ofSeconds(30));
            } catch (AssertionError e) {
                alertmanager.close();
                throw e;
            }
        }
        if (alertmanager != null) {
            registry.add("kvmha.monitor.alertmanagers", alertmanager::baseUrl);
        }
    }

    @BeforeEach
    void waitForPartitions() throws Exception {
        for (var container : listeners.getListenerContainers()) {
            String topic = container.getContainerProperties().getTopics()[0];
            ContainerTestUtils.waitForAssignment(container, Topic.byName(topic).orElseThrow().partitions());
        }
    }

    static void requireAlertmanager() {
        RealTools.assumeInstalled(RealTools.ALERTMANAGER);
        if (alertmanager == null) {
            throw new UncheckedIOException(new IOException("Alertmanager was not started"));
        }
    }
}
