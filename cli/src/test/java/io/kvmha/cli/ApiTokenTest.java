package io.kvmha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Services with API tokens (kvmha.security.api): the token goes along, and a refusal says what to do. */
class ApiTokenTest {

    @TempDir
    Path dir;

    private static int run(StringWriter err, String... args) {
        return KvmhaCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
    }

    @Test
    void theTokenFromTheFileIsSentAsABearerToken() throws Exception {
        try (FakeService scheduler = new FakeService().on("GET /api/v1/vms", 200, "[]")) {
            Path token = Files.writeString(dir.resolve("token"), "s3cr3t-token\n");
            StringWriter err = new StringWriter();
            assertThat(run(err, "--scheduler-url", scheduler.url(), "--token-file", token.toString(), "vm", "list"))
                    .as(err.toString()).isEqualTo(ExitCode.OK);
            assertThat(scheduler.requests().get(0).authorization()).isEqualTo("Bearer s3cr3t-token");
        }
    }

    @Test
    void withoutATokenA401SaysHowToGiveOne() throws Exception {
        try (FakeService scheduler = new FakeService().on("GET /api/v1/vms", 401, "{'title':'Unauthorized','status':401,"
                + "'detail':'a bearer token is required'}")) {
            StringWriter err = new StringWriter();
            assertThat(run(err, "--scheduler-url", scheduler.url(), "vm", "list")).isEqualTo(ExitCode.REFUSED);
            assertThat(err.toString()).contains("(401): a bearer token is required")
                    .contains("give it with --token-file or KVMHA_TOKEN");
            assertThat(scheduler.requests().get(0).authorization()).isNull();
        }
    }

    @Test
    void anUnreadableTokenFileIsAUsageError() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "--token-file", dir.resolve("missing").toString(), "vm", "list")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("cannot read the token file");
    }
}
