package io.kvmha.failover.web;

import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.core.IncidentSnapshot;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Read-only view of incidents: what failed, the evidence, and what was done about it. */
@RestController
@RequestMapping("/api/v1/incidents")
public class IncidentController {

    private final FailoverEngine engine;

    public IncidentController(FailoverEngine engine) {
        this.engine = engine;
    }

    /** All incidents this instance holds, newest first. */
    @GetMapping
    public List<IncidentSummary> list() {
        return engine.incidents().stream().map(IncidentSummary::of).toList();
    }

    /** One incident with its evidence, timeline and VMs. */
    @GetMapping("/{incidentId}")
    public IncidentSnapshot get(@PathVariable String incidentId) {
        return engine.incident(incidentId).orElseThrow(() -> new IncidentNotFound(incidentId));
    }

    @ExceptionHandler(IncidentNotFound.class)
    ProblemDetail notFound(IncidentNotFound e) {
        ProblemDetail problem = Problems.of(HttpStatus.NOT_FOUND, "incident-not-found", "Incident not found",
                "No incident with id '" + e.incidentId + "'");
        problem.setProperty("incidentId", e.incidentId);
        return problem;
    }

    static final class IncidentNotFound extends RuntimeException {
        final String incidentId;

        IncidentNotFound(String incidentId) {
            super("no incident " + incidentId);
            this.incidentId = incidentId;
        }
    }
}
