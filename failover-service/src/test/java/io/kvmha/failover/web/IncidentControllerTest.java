package io.kvmha.failover.web;

import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.kvmha.contracts.event.HostHeartbeat;
import io.kvmha.failover.core.DetectionThresholds;
import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.core.HeartbeatFailureDetector;
import io.kvmha.failover.core.FencingPolicy;
import io.kvmha.failover.core.MassFailurePolicy;
import io.kvmha.failover.core.RecoveryPolicy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** The incident API over a real engine driven by a virtual clock; no Kafka. */
class IncidentControllerTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    final AtomicReference<Instant> now = new AtomicReference<>(T0);
    final AtomicInteger ids = new AtomicInteger();
    final FailoverEngine engine = new FailoverEngine(now::get, DetectionThresholds.DEFAULT,
            new HeartbeatFailureDetector(DetectionThresholds.DEFAULT), RecoveryPolicy.DEFAULT, FencingPolicy.DEFAULT,
            // Two of three hosts fail here: the guard would (rightly) hold the second one.
            new MassFailurePolicy(0.3, 3, java.time.Duration.ofSeconds(60)),
            () -> "id-" + ids.incrementAndGet());
    final MockMvc mvc = MockMvcBuilders.standaloneSetup(new IncidentController(engine)).build();

    @Test
    void listsIncidentsNewestFirstAndShowsOneWithItsEvidence() throws Exception {
        // h1 falls silent first, h2 later; h3 keeps heartbeating so this is no partition.
        at(0).beat("h1", "h2", "h3");
        at(1500).beat("h2", "h3");
        at(2500).engine.tick(); // h1 DOWN: incident id-1 (request id-2)
        at(3000).beat("h3");
        at(4500).beat("h3");
        at(4600).engine.tick(); // h2 DOWN: incident id-3

        mvc.perform(get("/api/v1/incidents"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(2))
                .andExpect(jsonPath("$[0].hostId").value("h2"))
                .andExpect(jsonPath("$[1].hostId").value("h1"))
                .andExpect(jsonPath("$[1].incidentId").value("id-1"))
                .andExpect(jsonPath("$[1].status").value("OPEN"))
                .andExpect(jsonPath("$[1].fencing").value("in progress"));
        mvc.perform(get("/api/v1/incidents/id-1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.hostId").value("h1"))
                .andExpect(jsonPath("$.evidence[0]").value(startsWith("no heartbeat for 2.5 s (last seq 1")))
                .andExpect(jsonPath("$.timeline[0].phase").value("detected"))
                .andExpect(jsonPath("$.timeline[0].at").value("2026-11-27T12:00:02.500Z"))
                .andExpect(jsonPath("$.requestId").value("id-2"));
    }

    @Test
    void anUnknownIncidentIsAProblemNamingTheId() throws Exception {
        mvc.perform(get("/api/v1/incidents/nope"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.title").value("Incident not found"))
                .andExpect(jsonPath("$.detail").value("No incident with id 'nope'"))
                .andExpect(jsonPath("$.incidentId").value("nope"));
    }

    private IncidentControllerTest at(long millis) {
        now.set(T0.plusMillis(millis));
        return this;
    }

    private void beat(String... hosts) {
        for (String host : hosts) {
            engine.onHeartbeat(new HostHeartbeat(host, 1, now.get(), 1, "test",
                    HostHeartbeat.LibvirtConnectivity.CONNECTED, List.of(), false, false));
        }
    }
}
