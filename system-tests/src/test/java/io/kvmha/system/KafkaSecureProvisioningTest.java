package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.spring.KvmHaKafkaAutoConfiguration;
import io.kvmha.contracts.topic.Topic;
import io.kvmha.system.SecureProfileFiles.Acl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.SpringAsmInfo;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The secure compose profile's provisioning (deploy/compose/kafka-secure) against the code: topics.tsv is
 * the topic catalogue with its dead-letter twins, and acls.tsv grants each service's principal exactly what
 * its code does: READ on the topics it listens to, WRITE on the topics of the events it creates and on the
 * dead-letter twins of the topics it consumes, READ on its consumer groups. A new listener or event without
 * its ACL fails here, not in production.
 */
class KafkaSecureProvisioningTest {

    /** Topics a service reads with a consumer of its own instead of a listener (failover's IncidentResumer). */
    private static final Map<String, Set<String>> READ_WITHOUT_LISTENER = Map.of(
            "failover-service", Set.of(Topic.RECOVERIES.topicName()));

    @Test
    void topicsTsvIsTheCatalogueWithItsDeadLetterTwins() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (NewTopic topic : KvmHaKafkaAutoConfiguration.newTopics(0)) {
            expected.put(topic.name(), topic.numPartitions() + " " + topic.configs().get("cleanup.policy")
                    + " " + topic.configs().getOrDefault("retention.ms", "-"));
        }
        Map<String, String> provisioned = new TreeMap<>();
        for (SecureProfileFiles.TopicRow row : SecureProfileFiles.topics()) {
            provisioned.put(row.name(), row.partitions() + " " + row.cleanup() + " " + row.retentionMs());
        }
        assertThat(provisioned).isEqualTo(expected);
    }

    @Test
    void provisionShCallsKafkasToolsOnceForEveryTopicAndEveryGrant() throws Exception {
        Path home = Files.createTempDirectory("kafka-tools");
        try {
            // Kafka's tools, played by scripts that record how they were called.
            Path bin = Files.createDirectories(home.resolve("bin"));
            for (String tool : List.of("kafka-topics.sh", "kafka-acls.sh")) {
                Path script = Files.writeString(bin.resolve(tool),
                        "#!/bin/bash\necho \"" + tool + " $*\" >> \"" + home.resolve("calls") + "\"\n");
                script.toFile().setExecutable(true);
            }
            ProcessBuilder builder = new ProcessBuilder("bash", SecureProfileFiles.DIR.resolve("provision.sh").toString())
                    .redirectErrorStream(true);
            builder.environment().put("KAFKA_HOME", home.toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor()).as(output).isZero();

            List<String> calls = Files.readAllLines(home.resolve("calls"));
            assertThat(calls).hasSize(SecureProfileFiles.topics().size() + SecureProfileFiles.acls().size());
            String admin = "--bootstrap-server kafka-secure:19094 --command-config /etc/kafka/secrets/admin.properties";
            assertThat(calls).contains(
                    "kafka-topics.sh " + admin + " --create --if-not-exists --topic kvmha.recoveries --partitions 6 "
                            + "--replication-factor 1 --config cleanup.policy=delete --config retention.ms=34560000000",
                    "kafka-topics.sh " + admin + " --create --if-not-exists --topic kvmha.host.health --partitions 6 "
                            + "--replication-factor 1 --config cleanup.policy=compact",
                    "kafka-acls.sh " + admin + " --add --allow-principal User:monitor-service --operation READ "
                            + "--topic kvmha.vm.specs --resource-pattern-type literal",
                    "kafka-acls.sh " + admin + " --add --allow-principal User:host-agent-h2 --operation READ "
                            + "--group host-agent-h2 --resource-pattern-type prefixed");
            assertThat(output).contains("provisioned " + SecureProfileFiles.topics().size() + " topics and "
                    + SecureProfileFiles.acls().size() + " ACLs");
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "scheduler-service, io/kvmha/scheduler",
        "failover-service, io/kvmha/failover",
        "monitor-service, io/kvmha/monitor",
        "host-agent-h1, io/kvmha/agent",
        "host-agent-h2, io/kvmha/agent",
        "host-agent-h3, io/kvmha/agent"})
    void eachPrincipalMayDoExactlyWhatItsServicesCodeDoes(String principal, String packagePath) throws Exception {
        Set<String> consumed = new TreeSet<>();
        Set<String> produced = new TreeSet<>();
        for (Resource resource : new PathMatchingResourcePatternResolver()
                .getResources("classpath*:" + packagePath + "/**/*.class")) {
            try (InputStream in = resource.getInputStream()) {
                ClassReader reader = new ClassReader(in);
                produced.addAll(createdEvents(reader));
                consumed.addAll(listenedTopics(Class.forName(reader.getClassName().replace('/', '.'), false,
                        getClass().getClassLoader())));
            }
        }
        assertThat(consumed).as("%s listens to something", principal).isNotEmpty();
        Set<String> writes = new TreeSet<>(produced);
        // Published by the contracts library on behalf of every service (its REST API access filter).
        Topic.byName("kvmha.audit").ifPresent(audit -> writes.add(audit.topicName()));
        consumed.forEach(topic -> writes.add(topic + Topic.DEAD_LETTER_SUFFIX));

        Set<String> reads = new TreeSet<>(consumed);
        reads.addAll(READ_WITHOUT_LISTENER.getOrDefault(principal, Set.of()));

        List<Acl> grants = SecureProfileFiles.acls().stream().filter(a -> a.principal().equals(principal)).toList();
        assertThat(names(grants, "READ", "topic")).as("%s READ", principal).isEqualTo(reads);
        assertThat(names(grants, "WRITE", "topic")).as("%s WRITE", principal).isEqualTo(writes);
        assertThat(grants).as("%s consumer groups", principal)
                .contains(new Acl(principal, "READ", "group", "prefixed", principal));
        assertThat(grants).as("%s: nothing else", principal).allSatisfy(a -> {
            assertThat(a.pattern()).isIn("literal", "prefixed");
            assertThat(a.operation()).isIn("READ", "WRITE");
        });
    }

    @Test
    void everyGrantIsForAKnownPrincipalAndACatalogueTopic() throws IOException {
        Set<String> topics = new TreeSet<>();
        for (NewTopic topic : KvmHaKafkaAutoConfiguration.newTopics(0)) {
            topics.add(topic.name());
        }
        assertThat(SecureProfileFiles.acls()).allSatisfy(acl -> {
            assertThat(acl.principal()).isIn("scheduler-service", "failover-service", "monitor-service",
                    "host-agent-h1", "host-agent-h2", "host-agent-h3");
            if (acl.type().equals("topic")) {
                assertThat(acl.name()).isIn(topics);
            }
        });
    }

    private static Set<String> names(List<Acl> grants, String operation, String type) {
        Set<String> names = new TreeSet<>();
        grants.stream().filter(a -> a.operation().equals(operation) && a.type().equals(type)).forEach(a -> names.add(a.name()));
        return names;
    }

    /** The topics of the event records whose constructors the class calls: what the service publishes. */
    private static Set<String> createdEvents(ClassReader reader) {
        Set<String> topics = new TreeSet<>();
        reader.accept(new ClassVisitor(SpringAsmInfo.ASM_VERSION) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(SpringAsmInfo.ASM_VERSION) {
                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        if (opcode == Opcodes.NEW && type.startsWith("io/kvmha/contracts/event/")) {
                            eventTopic(type.replace('/', '.')).ifPresent(topics::add);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return topics;
    }

    private static java.util.Optional<String> eventTopic(String className) {
        try {
            Class<?> type = Class.forName(className, false, KafkaSecureProvisioningTest.class.getClassLoader());
            if (KvmHaEvent.class.isAssignableFrom(type) && type.isRecord()) {
                return java.util.Optional.of(Topic.forEvent(type.asSubclass(KvmHaEvent.class)).topicName());
            }
            return java.util.Optional.empty(); // a nested record of an event (a timeline entry...), not an event
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> listenedTopics(Class<?> type) {
        Set<String> topics = new TreeSet<>();
        List<java.lang.reflect.AnnotatedElement> elements = new ArrayList<>(List.of(type));
        try {
            elements.addAll(List.of(type.getDeclaredMethods()));
        } catch (NoClassDefFoundError e) {
            return topics; // a class for an optional dependency that is absent; it listens to nothing here
        }
        for (var element : elements) {
            for (KafkaListener listener : AnnotatedElementUtils.findMergedRepeatableAnnotations(element, KafkaListener.class)) {
                topics.addAll(List.of(listener.topics()));
                assertThat(listener.topicPattern()).as("%s: topics by pattern cannot be checked", element).isEmpty();
            }
        }
        return topics;
    }
}
