package io.kvmha.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * docker-compose.yml is checked without a Docker engine: Debian's {@code docker-compose config}
 * validates and resolves it, and every image it builds, every file it mounts and every module it
 * names must exist in this repository.
 */
class DockerComposeConfigTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static JsonNode config;

    @BeforeAll
    static void resolve() throws Exception {
        Path out = Files.createTempFile("compose", ".yml");
        try {
            Process process = new ProcessBuilder("docker-compose", "-f", ROOT.resolve("docker-compose.yml").toString(), "config")
                    .directory(ROOT.toFile())
                    .redirectOutput(out.toFile())
                    .redirectErrorStream(false)
                    .start();
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("docker-compose config finished").isTrue();
            assertThat(process.exitValue()).as("docker-compose config: %s", errors).isZero();
            System.out.println("docker-compose config: valid (" + Files.size(out) + " bytes resolved)");
            config = YAMLMapper.builder().build().readTree(out.toFile());
        } catch (IOException e) {
            throw new AssertionError("docker-compose is needed to check docker-compose.yml "
                    + "(dev/install-deps test installs it): " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void everyBuiltImageHasItsContextDockerfileAndModuleInTheRepository() {
        List<String> built = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : config.get("services").properties()) {
            JsonNode build = service.getValue().get("build");
            if (build == null) {
                continue;
            }
            Path context = Path.of(build.get("context").asString());
            assertThat(context).as("%s build context", service.getKey()).isDirectory();
            assertThat(context.toAbsolutePath().normalize().startsWith(ROOT))
                    .as("%s builds from inside the repository", service.getKey()).isTrue();
            Path dockerfile = context.resolve(build.path("dockerfile").asString("Dockerfile"));
            assertThat(dockerfile).as("%s Dockerfile", service.getKey()).isRegularFile();
            String module = build.path("args").path("MODULE").asString("");
            assertThat(ROOT.resolve(module).resolve("pom.xml")).as("%s module %s", service.getKey(), module).isRegularFile();
            built.add(service.getKey());
        }
        assertThat(built).contains("scheduler-service", "failover-service", "monitor-service", "host-agent-h1");
    }

    @Test
    void everyMountedFileExistsAndEveryPortIsOnLoopback() {
        for (Map.Entry<String, JsonNode> service : config.get("services").properties()) {
            for (JsonNode volume : service.getValue().path("volumes")) {
                String source = volume.isString() ? volume.asString().split(":")[0] : volume.path("source").asString("");
                if (source.startsWith("/") || source.startsWith(".")) {
                    assertThat(Path.of(source)).as("%s mounts %s", service.getKey(), source).exists();
                }
            }
            for (JsonNode port : service.getValue().path("ports")) {
                String published = port.isString() ? port.asString() : port.path("host_ip").asString("");
                assertThat(published).as("%s publishes only on 127.0.0.1", service.getKey()).startsWith("127.0.0.1");
            }
        }
    }

    @Test
    void theServicesWaitForAHealthyBroker() {
        for (String name : List.of("scheduler-service", "failover-service", "monitor-service", "host-agent-h1")) {
            JsonNode service = config.get("services").get(name);
            assertThat(service.path("depends_on").path("kafka").path("condition").asString())
                    .as("%s waits for kafka", name).isEqualTo("service_healthy");
            assertThat(service.has("healthcheck")).as("%s has a health check", name).isTrue();
        }
        assertThat(config.get("volumes").has("kafka-data")).isTrue();
    }
}
