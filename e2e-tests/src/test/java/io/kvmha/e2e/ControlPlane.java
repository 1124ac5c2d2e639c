package io.kvmha.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The testbed's control plane over its REST APIs (and Alertmanager's), as an operator's tools see it. */
public final class ControlPlane {

    /** A VM the scheduler accepted: its id, name and the host it was placed on. */
    public record Vm(String vmId, String name, String tier, String hostId) {
    }

    /** An alert as Alertmanager holds it. */
    public record ActiveAlert(String name, String host, String severity, Instant startsAt) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    public Vm createVm(String name, String tier, long memoryMib, List<String> affinityGroups) {
        Map<String, Object> body = Map.of("name", name, "vcpus", 1, "memoryMib", memoryMib, "tier", tier,
                "haPolicy", "RESTART", "priority", 0, "labels", Map.of("e2e", "true"), "affinityGroups", affinityGroups);
        JsonNode vm = send("POST", Testbed.SCHEDULER + "/api/v1/vms", body, 201);
        return new Vm(vm.get("vmId").asString(), name, tier, vm.get("hostId").asString());
    }

    public JsonNode incidents() {
        return send("GET", Testbed.FAILOVER + "/api/v1/incidents", null, 200);
    }

    public JsonNode incident(String incidentId) {
        return send("GET", Testbed.FAILOVER + "/api/v1/incidents/" + incidentId, null, 200);
    }

    /** Incident ids of one host, oldest first. */
    public List<String> incidentIds(String hostId) {
        List<String> ids = new ArrayList<>();
        for (JsonNode incident : incidents()) {
            if (hostId.equals(incident.get("hostId").asString())) {
                ids.add(incident.get("incidentId").asString());
            }
        }
        return ids;
    }

    /** The failover service's view: host id -> state (ONLINE, FENCED, ...). */
    public Map<String, String> hostStates() {
        Map<String, String> states = new java.util.TreeMap<>();
        for (JsonNode host : send("GET", Testbed.FAILOVER + "/api/v1/hosts", null, 200)) {
            states.put(host.get("hostId").asString(), host.get("state").asString());
        }
        return states;
    }

    /** Active (not silenced, not inhibited) alerts in Alertmanager. */
    public List<ActiveAlert> alerts() {
        List<ActiveAlert> alerts = new ArrayList<>();
        for (JsonNode alert : send("GET", Testbed.ALERTMANAGER + "/api/v2/alerts?active=true&silenced=false&inhibited=false",
                null, 200)) {
            JsonNode labels = alert.get("labels");
            alerts.add(new ActiveAlert(labels.path("alertname").asString(""), labels.path("host").asString(""),
                    labels.path("severity").asString(""), Instant.parse(alert.get("startsAt").asString())));
        }
        return alerts;
    }

    /** A text resource, e.g. a Prometheus scrape. */
    public String text(String url) {
        HttpResponse<String> response = exchange("GET", url, null, "*/*");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
        }
        return response.body();
    }

    public JsonNode post(String url, Object body, int expectedStatus) {
        return send("POST", url, body, expectedStatus);
    }

    /** DELETE, accepting any 2xx. */
    public void delete(String url) {
        HttpResponse<String> response = exchange("DELETE", url, null, "application/json");
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("DELETE " + url + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    public JsonNode get(String url) {
        return send("GET", url, null, 200);
    }

    private JsonNode send(String method, String url, Object body, int expectedStatus) {
        HttpResponse<String> response = exchange(method, url, body, "application/json");
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode()
                    + " (expected " + expectedStatus + "): " + response.body());
        }
        return response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
    }

    /**
     * One request; a JSON body when {@code body} is not null; I/O failures named with the request. {@code accept}
     * matters: the actuator's Prometheus scrape answers 406 to {@code application/json}.
     */
    private HttpResponse<String> exchange(String method, String url, Object body, String accept) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Accept", accept);
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
