package io.kvmha.failover.web;

import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.core.HealthTransition;
import io.kvmha.failover.core.HostHealth;
import io.kvmha.failover.kafka.DecisionPublisher;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Host health as this failover instance judges it, each host's transition history, and maintenance
 * windows (which pause fencing for the host). Hosts known from inventory but not heard from since this
 * instance started are listed as not yet heard: they cannot be declared down before then.
 */
@RestController
@RequestMapping("/api/v1/hosts")
public class HostHealthController {

    /** One host: its state, since when, and the evidence of the last transition. */
    public record HostHealthView(String hostId, String state, String since, List<String> evidence, boolean heard) {
    }

    /** One transition of a host's state machine. */
    public record TransitionView(String from, String to, String at, List<String> evidence) {
        static TransitionView of(HealthTransition t) {
            return new TransitionView(t.from() == null ? null : t.from().name(), t.to().name(), t.at().toString(), t.evidence());
        }
    }

    /** Body of a maintenance request (optional). */
    public record MaintenanceRequest(String reason) {
    }

    private final FailoverEngine engine;
    private final DecisionPublisher decisions;

    public HostHealthController(FailoverEngine engine, DecisionPublisher decisions) {
        this.engine = engine;
        this.decisions = decisions;
    }

    @GetMapping
    public List<HostHealthView> list() {
        Map<String, HostHealth> judged = engine.hosts();
        List<HostHealthView> views = new ArrayList<>();
        judged.values().forEach(h -> views.add(view(h)));
        engine.knownHosts().stream()
                .filter(id -> !judged.containsKey(id))
                .forEach(id -> views.add(new HostHealthView(id, "UNKNOWN", null, List.of("not heard from since start"), false)));
        views.sort(Comparator.comparing(HostHealthView::hostId));
        return views;
    }

    /** The host's transitions since this instance started, oldest first, each with its evidence. */
    @GetMapping("/{hostId}/history")
    public List<TransitionView> history(@PathVariable String hostId) {
        if (!engine.hosts().containsKey(hostId) && !engine.knownHosts().contains(hostId)) {
            throw new IllegalArgumentException("host " + hostId + " is unknown to this failover instance");
        }
        return engine.history(hostId).stream().map(TransitionView::of).toList();
    }

    /** Maintenance on: the host's silence is not judged and it is never fenced until maintenance ends. */
    @PostMapping("/{hostId}/maintenance")
    public HostHealthView startMaintenance(@PathVariable String hostId, @RequestBody(required = false) MaintenanceRequest request) {
        decisions.decide(() -> engine.maintenance(hostId, true, request == null ? null : request.reason()));
        return view(engine.hosts().get(hostId));
    }

    /** Maintenance off: ONLINE, judged (and fenced when it fails) from now on. */
    @DeleteMapping("/{hostId}/maintenance")
    public HostHealthView endMaintenance(@PathVariable String hostId) {
        decisions.decide(() -> engine.maintenance(hostId, false, null));
        return view(engine.hosts().get(hostId));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail unknownHost(IllegalArgumentException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Host not found");
        problem.setType(URI.create("urn:kvmha:problem:host-not-found"));
        return problem;
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail conflict(IllegalStateException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Not possible in the host's state");
        problem.setType(URI.create("urn:kvmha:problem:host-state-conflict"));
        return problem;
    }

    private static HostHealthView view(HostHealth health) {
        return new HostHealthView(health.hostId(), health.state().name(),
                health.since() == null ? null : health.since().toString(), health.evidence(), true);
    }
}
