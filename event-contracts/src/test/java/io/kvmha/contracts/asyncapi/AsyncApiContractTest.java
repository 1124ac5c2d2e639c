package io.kvmha.contracts.asyncapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Fails when docs/asyncapi.yaml and the code's catalogue and records disagree. To regenerate the
 * document after changing the contracts:
 * {@code ./mvnw -pl event-contracts test -Dtest=AsyncApiContractTest -Dasyncapi.write=true}
 */
class AsyncApiContractTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");
    private final ObjectMapper yaml = YAMLMapper.builder()
            .enable(tools.jackson.dataformat.yaml.YAMLWriteFeature.MINIMIZE_QUOTES)
            .disable(tools.jackson.dataformat.yaml.YAMLWriteFeature.SPLIT_LINES)
            .disable(tools.jackson.dataformat.yaml.YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .build();

    @Test
    void documentMatchesTheCatalogue() throws IOException {
        Map<String, Object> expected = new AsyncApiDocument().build("1.0.0");
        if (Boolean.getBoolean("asyncapi.write")) {
            Files.createDirectories(DOCUMENT.getParent());
            Files.writeString(DOCUMENT, "# Generated from the topic catalogue and event records; do not edit by hand.\n"
                    + "# Regenerate: ./mvnw -pl event-contracts test -Dtest=AsyncApiContractTest -Dasyncapi.write=true\n"
                    + yaml.writeValueAsString(expected));
        }
        assertThat(DOCUMENT).as("docs/asyncapi.yaml").exists();
        @SuppressWarnings("unchecked")
        Map<String, Object> actual = yaml.readValue(DOCUMENT.toFile(), Map.class);
        // Round-trip the expected model through YAML so that number and list types compare alike.
        @SuppressWarnings("unchecked")
        Map<String, Object> normalised = yaml.readValue(yaml.writeValueAsString(expected), Map.class);
        String difference = firstDifference("", normalised, actual);
        if (difference != null) {
            fail("docs/asyncapi.yaml disagrees with the code at " + difference
                    + ". Regenerate: ./mvnw -pl event-contracts test -Dtest=AsyncApiContractTest -Dasyncapi.write=true");
        }
    }

    @Test
    void everyTopicAndEveryDeadLetterTwinIsAChannel() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> channels =
                (Map<String, Map<String, Object>>) yaml.readValue(DOCUMENT.toFile(), Map.class).get("channels");
        List<Object> addresses = channels.values().stream().map(c -> c.get("address")).toList();
        for (var topic : io.kvmha.contracts.topic.Topic.values()) {
            assertThat(addresses).contains(topic.topicName(), topic.deadLetterTopicName());
        }
    }

    private static String firstDifference(String path, Object expected, Object actual) {
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            for (Object key : e.keySet()) {
                if (!a.containsKey(key)) {
                    return path + "/" + key + " (missing in the document)";
                }
                String d = firstDifference(path + "/" + key, e.get(key), a.get(key));
                if (d != null) {
                    return d;
                }
            }
            for (Object key : a.keySet()) {
                if (!e.containsKey(key)) {
                    return path + "/" + key + " (not in the code)";
                }
            }
            return null;
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                return path + " (list of " + e.size() + " in the code, " + a.size() + " in the document)";
            }
            for (int i = 0; i < e.size(); i++) {
                String d = firstDifference(path + "[" + i + "]", e.get(i), a.get(i));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return Objects.equals(String.valueOf(expected), String.valueOf(actual))
                ? null : path + " (code: " + expected + ", document: " + actual + ")";
    }
}
