package io.kvmha.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON over HTTP to one kvm-ha service. Turns every way a call can go wrong into a {@link CliException}
 * that says what is wrong and what to do: the service's own RFC 9457 problem detail for a refusal, the
 * URL and a hint for an unreachable service.
 */
public final class ServiceClient {

    private final String service;
    private final URI base;
    private final HttpClient http;
    private final String token;
    private final JsonMapper json = JsonMapper.builder().build();

    public ServiceClient(String service, URI base, Duration timeout) {
        this(service, base, timeout, null);
    }

    /** @param token the API bearer token, or null where the services need none */
    public ServiceClient(String service, URI base, Duration timeout, String token) {
        this.service = service;
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.token = token;
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).GET());
    }

    public JsonNode post(String path, Object body) {
        return post(path, body, Map.of());
    }

    /** A POST with extra headers, e.g. {@code X-Operator} for decisions the service records with who asked. */
    public JsonNode post(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        headers.forEach(request::header);
        return send(request);
    }

    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).DELETE());
    }

    public JsonMapper json() {
        return json;
    }

    private URI resolve(String path) {
        return URI.create(base.toString().replaceAll("/+$", "") + path);
    }

    private JsonNode send(HttpRequest.Builder builder) {
        builder.header("Accept", "application/json, application/problem+json").timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable(request);
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCode.UNREACHABLE, service + " at " + base + " did not answer " + request.method()
                    + " " + request.uri().getPath() + " within 30 s");
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw unreachable(request);
            }
            throw new CliException(ExitCode.UNREACHABLE, "talking to " + service + " at " + base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.SERVICE_ERROR, "interrupted");
        }
        JsonNode body = parse(response);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return body;
        }
        String problem = describeProblem(body);
        if (status >= 400 && status < 500) {
            throw new CliException(ExitCode.REFUSED, service + " refused " + request.method() + " "
                    + request.uri().getPath() + " (" + status + "): " + problem + hint(status, request.uri().getPath()));
        }
        throw new CliException(ExitCode.SERVICE_ERROR, service + " failed on " + request.method() + " "
                + request.uri().getPath() + " (" + status + "): " + problem + ". Its log says more.");
    }

    /** What to do about a refusal, where the service's own words may not say it. */
    String hint(int status, String path) {
        if (status == 401) {
            return token == null ? ". This service requires an API token: give it with --token-file or KVMHA_TOKEN."
                    : ". The token given was not accepted: check --token-file / KVMHA_TOKEN.";
        }
        if (status == 403) {
            return ". Ask for a token with that role.";
        }
        if (status != 404) {
            return "";
        }
        if (path.startsWith("/api/v1/vms/")) {
            return ". `kvmha vm list` shows the VMs' ids.";
        }
        if (path.startsWith("/api/v1/hosts/")) {
            return ". `kvmha host list` shows the hosts.";
        }
        if (path.startsWith("/api/v1/incidents/")) {
            return ". `kvmha incidents` lists the incidents.";
        }
        return "";
    }

    private CliException unreachable(HttpRequest request) {
        return new CliException(ExitCode.UNREACHABLE, "cannot reach " + service + " at " + base
                + " (" + request.method() + " " + request.uri().getPath() + "). Is it running? "
                + "Point kvmha at it with --" + service.replace("-service", "") + "-url or the environment.");
    }

    private JsonNode parse(HttpResponse<String> response) {
        String text = response.body();
        if (text == null || text.isBlank()) {
            return json.missingNode();
        }
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            if (response.statusCode() >= 400) {
                return json.getNodeFactory().textNode(text.length() > 300 ? text.substring(0, 300) + "..." : text);
            }
            throw new CliException(ExitCode.SERVICE_ERROR, service + " answered something that is not JSON: "
                    + e.getOriginalMessage());
        }
    }

    /** The problem detail's own words: detail, and the fields at fault when there are any. */
    static String describeProblem(JsonNode body) {
        if (body == null || body.isMissingNode()) {
            return "no details";
        }
        if (body.isString()) {
            return body.asString();
        }
        StringBuilder text = new StringBuilder();
        String detail = body.path("detail").asString("");
        text.append(detail.isEmpty() ? body.path("title").asString("no details") : detail);
        JsonNode errors = body.path("errors");
        if (errors.isArray() && !errors.isEmpty() && detail.isEmpty()) {
            errors.forEach(e -> text.append("; ").append(e.path("field").asString("?")).append(": ")
                    .append(e.path("message").asString("")));
        }
        return text.toString();
    }
}
