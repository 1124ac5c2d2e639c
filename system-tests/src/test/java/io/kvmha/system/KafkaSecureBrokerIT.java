package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kvmha.system.SecureProfileFiles.Acl;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The secure compose profile's broker for real, without Docker: {@code kafka-start.sh} runs as in its
 * container (on the Kafka jars of this test's classpath, on loopback ports), with keys and passwords from
 * {@code generate-secrets.sh}; topics.tsv and acls.tsv are applied as admin, as {@code provision.sh} does with
 * Kafka's tools. Then each principal can do what its service needs and nothing else.
 */
class KafkaSecureBrokerIT {

    private static Path work;
    private static Path secrets;
    private static Process broker;
    private static int port;

    @BeforeAll
    static void startBroker() throws Exception {
        work = Files.createTempDirectory("kvmha-kafka-secure");
        secrets = work.resolve("secrets");
        DockerComposeConfigTest.run(List.of("bash", SecureProfileFiles.DIR.resolve("generate-secrets.sh").toString(),
                secrets.toString()));
        // The container's /opt/kafka/bin, played by the Kafka classes on this test's classpath.
        Path bin = Files.createDirectories(work.resolve("kafka/bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Files.writeString(bin.resolve("kafka-storage.sh"), "#!/bin/bash\nexec '" + java + "' -cp \"$KVMHA_CP\" kafka.tools.StorageTool \"$@\"\n");
        Files.writeString(bin.resolve("kafka-server-start.sh"), "#!/bin/bash\nexec '" + java + "' -Xmx384m -cp \"$KVMHA_CP\" kafka.Kafka \"$@\"\n");
        bin.resolve("kafka-storage.sh").toFile().setExecutable(true);
        bin.resolve("kafka-server-start.sh").toFile().setExecutable(true);

        int[] ports = freePorts(3);
        port = ports[1];
        ProcessBuilder builder = new ProcessBuilder("bash", SecureProfileFiles.DIR.resolve("kafka-start.sh").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("broker.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("KVMHA_CP", classpath);
        env.put("KAFKA_HOME", work.resolve("kafka").toString());
        env.put("KAFKA_SECRETS", secrets.toString());
        env.put("KAFKA_DATA", work.resolve("data").toString());
        env.put("KAFKA_CONFIG", work.resolve("server.properties").toString());
        env.put("KAFKA_HOSTNAME", "localhost"); // a name on the broker's certificate
        env.put("KAFKA_LISTEN_HOST", "127.0.0.1");
        env.put("KAFKA_BROKER_PORT", Integer.toString(ports[0]));
        env.put("KAFKA_EXTERNAL_PORT", Integer.toString(ports[1]));
        env.put("KAFKA_CONTROLLER_PORT", Integer.toString(ports[2]));
        long started = System.nanoTime();
        broker = builder.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(broker.isAlive()).as("broker running: %s", log()).isTrue();
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        System.out.printf("secure broker listening after %d ms%n", (System.nanoTime() - started) / 1_000_000);
        provision();
        System.out.printf("secure broker provisioned after %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            // A throw-away broker on temporary storage: no controlled shutdown needed.
            broker.descendants().forEach(ProcessHandle::destroyForcibly);
            broker.destroyForcibly();
            broker.waitFor(20, TimeUnit.SECONDS);
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** What provision.sh does with kafka-topics.sh and kafka-acls.sh, through the Admin API. */
    private static void provision() throws Exception {
        try (Admin admin = Admin.create(client("admin", password("admin")))) {
            List<NewTopic> topics = new ArrayList<>();
            for (SecureProfileFiles.TopicRow row : SecureProfileFiles.topics()) {
                Map<String, String> configs = new HashMap<>(Map.of("cleanup.policy", row.cleanup()));
                if (!row.retentionMs().equals("-")) {
                    configs.put("retention.ms", row.retentionMs());
                }
                topics.add(new NewTopic(row.name(), row.partitions(), (short) 1).configs(configs));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            List<AclBinding> acls = new ArrayList<>();
            for (Acl acl : SecureProfileFiles.acls()) {
                acls.add(new AclBinding(
                        new ResourcePattern(ResourceType.valueOf(acl.type().toUpperCase()), acl.name(),
                                PatternType.valueOf(acl.pattern().toUpperCase())),
                        new AccessControlEntry("User:" + acl.principal(), "*", AclOperation.valueOf(acl.operation()),
                                AclPermissionType.ALLOW)));
            }
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            // Created is not yet applied: wait until the broker's authorizer answers with all of them.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS).size() == acls.size());
        }
    }

    @Test
    void eachServiceProducesAndConsumesWhatItsPrincipalMayAndNothingElse() throws Exception {
        String key = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> scheduler = producer("scheduler-service", password("scheduler-service"))) {
            scheduler.send(new ProducerRecord<>("kvmha.vm.specs", key, "{}")).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> scheduler.send(new ProducerRecord<>("kvmha.host.health", "h1", "{}")).get(30, TimeUnit.SECONDS))
                    .as("the scheduler never publishes host health")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<String, String> monitor = consumer("monitor-service", "monitor-service")) {
            monitor.subscribe(List.of("kvmha.vm.specs"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                monitor.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().anyMatch(r -> key.equals(r.key()));
            });
        }
        try (KafkaConsumer<String, String> agent = consumer("host-agent-h1", "host-agent-h1")) {
            agent.subscribe(List.of("kvmha.vm.specs"));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    agent.poll(Duration.ofMillis(200));
                }
            }).as("an agent does not read VM specs").isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aHostPrincipalCannotWriteTheTopicsThatCommandOrJudgeOtherHosts() throws Exception {
        try (KafkaProducer<String, String> h1 = producer("host-agent-h1", password("host-agent-h1"))) {
            h1.send(new ProducerRecord<>("kvmha.host.heartbeats", "h1", "{}")).get(30, TimeUnit.SECONDS);
            for (String topic : List.of("kvmha.host.commands", "kvmha.host.health", "kvmha.placements", "kvmha.recoveries")) {
                assertThatThrownBy(() -> h1.send(new ProducerRecord<>(topic, "h2", "{}")).get(30, TimeUnit.SECONDS))
                        .as("host h1 writing %s for host h2", topic)
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void aWrongPasswordIsNotLetIn() {
        try (KafkaProducer<String, String> intruder = producer("scheduler-service", "not-the-password")) {
            assertThatThrownBy(() -> intruder.send(new ProducerRecord<>("kvmha.vm.specs", "k", "{}")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static KafkaProducer<String, String> producer(String principal, String password) {
        Map<String, Object> config = client(principal, password);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String principal, String group) throws IOException {
        Map<String, Object> config = client(principal, password(principal));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group + "-it");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** A client as the services are configured in the secure profile: SASL_SSL, SCRAM-SHA-512, the CA's truststore. */
    private static Map<String, Object> client(String principal, String password) {
        try {
            Map<String, Object> config = new HashMap<>();
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port);
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
            config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"" + principal + "\" password=\"" + password + "\";");
            config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, secrets.resolve("kafka.truststore.p12").toString());
            config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
            config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, Files.readString(secrets.resolve("store-password")));
            return config;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String password(String principal) throws IOException {
        return Files.readString(secrets.resolve("scram").resolve(principal));
    }

    private static String log() {
        try {
            return Files.readString(work.resolve("broker.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
        return ports;
    }
}
