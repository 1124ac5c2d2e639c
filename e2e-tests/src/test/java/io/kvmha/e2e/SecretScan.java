package io.kvmha.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Searches what a run of the control plane left behind for a secret: every log file under a directory, text
 * (metric scrapes), and every record (key, value, headers) of every topic on the broker. Finds are described by
 * where they are, never by the secret.
 */
final class SecretScan {

    private final List<String> secrets;
    private final List<String> finds = new ArrayList<>();
    private long logBytes;
    private int logFiles;
    private long records;

    SecretScan(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    /** Every {@code *.log} file under {@code dir}. */
    SecretScan logs(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".log")).toList();
        }
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            logFiles++;
            logBytes += bytes.length;
            check(bytes, "log " + dir.relativize(file));
        }
        return this;
    }

    SecretScan text(String where, String text) {
        check(text.getBytes(StandardCharsets.UTF_8), where);
        return this;
    }

    /** Every record of every topic, from the beginning to the end offsets of now. */
    SecretScan events(String bootstrap) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "group.id", "kvmha-secret-scan",
                "enable.auto.commit", false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Set<TopicPartition> partitions = consumer.listTopics(Duration.ofSeconds(30)).values().stream()
                    .flatMap(List::stream).map(p -> new TopicPartition(p.topic(), p.partition()))
                    .filter(tp -> !tp.topic().startsWith("__")).collect(Collectors.toSet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    String where = "event " + record.topic() + "/" + record.partition() + "@" + record.offset();
                    check(record.key(), where + " key");
                    check(record.value(), where + " value");
                    for (Header header : record.headers()) {
                        check(header.value(), where + " header " + header.key());
                    }
                }
            }
        }
        return this;
    }

    private void check(byte[] bytes, String where) {
        if (bytes == null) {
            return;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < secrets.size(); i++) {
            if (text.contains(secrets.get(i))) {
                finds.add("secret #" + (i + 1) + " in " + where);
            }
        }
    }

    List<String> finds() {
        return List.copyOf(finds);
    }

    String summary() {
        return logFiles + " log files (" + logBytes / 1024 + " KiB), " + records + " events";
    }
}
