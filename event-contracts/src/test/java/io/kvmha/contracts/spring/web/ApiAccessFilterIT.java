package io.kvmha.contracts.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.AuditRecord;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.security.ApiTokens;
import io.kvmha.contracts.spring.EventPublisher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.support.SendResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shared API guard in a minimal web app on a real port: 401 without or with an unknown token, 403 for a role
 * too weak (viewer writing, operator fencing), admin passes, health stays open, and each mutating request lands on
 * the audit trail with its principal and never its token. Without a tokens file everything passes as anonymous.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiAccessFilterIT {

    private static final String VIEWER = "viewer-token-0001";
    private static final String OPERATOR = "operator-token-0002";
    private static final String ADMIN = "admin-token-0003";

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(TestApi.class)
    static class App {
        final List<KvmHaEvent> published = new CopyOnWriteArrayList<>();

        @Bean
        EventPublisher recordingPublisher() {
            return new EventPublisher(null) {
                @Override
                public CompletableFuture<SendResult<String, Object>> publish(KvmHaEvent event) {
                    published.add(event);
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletableFuture<SendResult<String, Object>> audit(AuditRecord entry) {
                    return publish(entry);
                }
            };
        }
    }

    @RestController
    static class TestApi {
        @GetMapping("/api/v1/things")
        String list(HttpServletRequest request) {
            return "things for " + request.getUserPrincipal().getName();
        }

        @PostMapping("/api/v1/things")
        @ResponseStatus(HttpStatus.CREATED)
        String create(HttpServletRequest request) {
            return "created by " + request.getUserPrincipal().getName();
        }

        @PostMapping("/api/v1/hosts/{hostId}/fence")
        String fence(@PathVariable String hostId) {
            return "fenced " + hostId;
        }

        @PostMapping("/api/v1/guard/hosts/{hostId}/release")
        String release(@PathVariable String hostId) {
            return "released " + hostId;
        }

        @GetMapping("/actuator/health")
        String health() {
            return "UP";
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private ConfigurableApplicationContext secured;
    private ConfigurableApplicationContext open;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# sha256(token) principal role\n"
                + ApiTokens.hash(VIEWER) + " bob viewer\n"
                + ApiTokens.hash(OPERATOR) + " olga operator\n"
                + ApiTokens.hash(ADMIN) + " alice admin\n");
        secured = app("--kvmha.security.api.tokens-file=" + tokens);
        open = app();
    }

    private static ConfigurableApplicationContext app(String... extra) {
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("--server.port=0",
                "--server.address=127.0.0.1", "--kvmha.kafka.create-topics=false", "--spring.main.banner-mode=off"),
                java.util.stream.Stream.of(extra)).toArray(String[]::new);
        return new SpringApplicationBuilder(App.class).run(args);
    }

    @AfterAll
    void stop() {
        if (secured != null) {
            secured.close();
        }
        if (open != null) {
            open.close();
        }
    }

    @Test
    void withoutATokenTheApiAnswers401WithABearerChallengeAsAProblem() throws Exception {
        HttpResponse<String> response = call(secured, "GET", "/api/v1/things", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"kvm-ha\"");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":401", "\"title\":\"Unauthorized\"", "bearer token is required");

        HttpResponse<String> unknown = call(secured, "POST", "/api/v1/things", "not-a-token");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).contains("error=\"invalid_token\""));
        assertThat(audit(secured)).anySatisfy(a -> {
            assertThat(a.actor()).isEqualTo("anonymous");
            assertThat(a.outcome()).isEqualTo("DENIED 401");
        });
    }

    @Test
    void aViewerReadsButMayNotWrite() throws Exception {
        HttpResponse<String> read = call(secured, "GET", "/api/v1/things", VIEWER);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("things for bob");

        HttpResponse<String> write = call(secured, "POST", "/api/v1/things", VIEWER);
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.body()).contains("\"status\":403", "needs the operator role", "bob has viewer");
        assertThat(audit(secured)).anySatisfy(a -> {
            assertThat(a.actor()).isEqualTo("bob");
            assertThat(a.outcome()).isEqualTo("DENIED 403");
            assertThat(a.correlation()).containsEntry("role", "viewer");
        });
    }

    @Test
    void anOperatorWritesButMayNotFenceOrReleaseAGuard() throws Exception {
        HttpResponse<String> created = call(secured, "POST", "/api/v1/things", OPERATOR);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).isEqualTo("created by olga");
        assertThat(call(secured, "POST", "/api/v1/hosts/h1/fence", OPERATOR).body()).contains("needs the admin role");
        assertThat(call(secured, "POST", "/api/v1/hosts/h1/fence", OPERATOR).statusCode()).isEqualTo(403);
        assertThat(call(secured, "POST", "/api/v1/guard/hosts/h1/release", OPERATOR).statusCode()).isEqualTo(403);
        assertThat(audit(secured)).anySatisfy(a -> {
            assertThat(a.actor()).isEqualTo("olga");
            assertThat(a.action()).isEqualTo("POST /api/v1/things");
            assertThat(a.outcome()).isEqualTo("HTTP 201");
            assertThat(a.origin()).isEqualTo(AuditRecord.Origin.OPERATOR);
        });
    }

    @Test
    void encodedOrParameterisedOrDotSegmentPathsDoNotDodgeTheRules() throws Exception {
        for (String disguised : List.of("/api/v1/hosts/h1/f%65nce", "/api/v1/hosts/h1/fence;x=1",
                "/api/v1/hosts/h1/./fence", "/api/v1/things/../hosts/h1/fence")) {
            assertThat(call(secured, "POST", disguised, OPERATOR).statusCode()).as(disguised).isEqualTo(403);
        }
        assertThat(call(secured, "POST", "/api/v1/hosts/h1/f%65nce", ADMIN).body()).isEqualTo("fenced h1");
        HttpResponse<String> sneaky = call(secured, "GET", "/actuator/health/../../api/v1/things", null);
        assertThat(sneaky.statusCode()).isNotEqualTo(200);
        assertThat(sneaky.body()).doesNotContain("things for");
    }

    @Test
    void anAdminFencesAndReleases() throws Exception {
        HttpResponse<String> fenced = call(secured, "POST", "/api/v1/hosts/h1/fence", ADMIN);
        assertThat(fenced.statusCode()).isEqualTo(200);
        assertThat(fenced.body()).isEqualTo("fenced h1");
        assertThat(call(secured, "POST", "/api/v1/guard/hosts/h1/release", ADMIN).statusCode()).isEqualTo(200);
        assertThat(audit(secured)).anySatisfy(a -> {
            assertThat(a.actor()).isEqualTo("alice");
            assertThat(a.target()).isEqualTo("/api/v1/hosts/h1/fence");
            assertThat(a.outcome()).isEqualTo("HTTP 200");
        });
    }

    @Test
    void healthStaysOpenAndReadsAreNotAudited() throws Exception {
        int before = audit(secured).size();
        assertThat(call(secured, "GET", "/actuator/health", null).statusCode()).isEqualTo(200);
        call(secured, "GET", "/api/v1/things", VIEWER);
        assertThat(audit(secured)).hasSize(before);
    }

    @Test
    void tokensNeverReachTheAuditTrail() throws Exception {
        call(secured, "POST", "/api/v1/things", OPERATOR);
        call(secured, "POST", "/api/v1/things", "a-wrong-token");
        assertThat(audit(secured)).isNotEmpty().allSatisfy(a -> assertThat(a.toString())
                .doesNotContain(VIEWER, OPERATOR, ADMIN, "a-wrong-token", ApiTokens.hash(OPERATOR)));
    }

    @Test
    void withoutATokensFileEveryCallerPassesAsAnonymousAndIsStillAudited() throws Exception {
        assertThat(call(open, "POST", "/api/v1/hosts/h1/fence", null).statusCode()).isEqualTo(200);
        assertThat(call(open, "POST", "/api/v1/things", null).body()).isEqualTo("created by anonymous");
        assertThat(audit(open)).anySatisfy(a -> {
            assertThat(a.actor()).isEqualTo("anonymous");
            assertThat(a.action()).isEqualTo("POST /api/v1/hosts/h1/fence");
            assertThat(a.correlation()).doesNotContainKey("role");
        });
    }

    private static List<AuditRecord> audit(ConfigurableApplicationContext context) {
        return context.getBean(App.class).published.stream()
                .filter(AuditRecord.class::isInstance).map(AuditRecord.class::cast).toList();
    }

    private HttpResponse<String> call(ConfigurableApplicationContext context, String method, String path, String token)
            throws Exception {
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
