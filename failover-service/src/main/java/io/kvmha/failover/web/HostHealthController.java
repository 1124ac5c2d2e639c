package io.kvmha.failover.web;

import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.core.HealthTransition;
import io.kvmha.failover.core.HostHealth;
import io.kvmha.failover.core.IncidentSnapshot;
import io.kvmha.failover.kafka.DecisionPublisher;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
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

    /** Body of an operator's fence request (optional): {@code force} is needed for a host that looks alive. */
    public record FenceBody(Boolean force, String reason) {
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

    /**
     * An operator fences the host (drivers, then self-fence deadline) and its VMs are recovered elsewhere as an
     * incident. 202 with the incident; 404 unknown host; 409 a host that looks alive without force, or one
     * already fencing, fenced or rejoining.
     */
    @PostMapping("/{hostId}/fence")
    public ResponseEntity<IncidentSnapshot> fence(@PathVariable String hostId, @RequestBody(required = false) FenceBody body,
                                                  @RequestHeader(name = "X-Operator", required = false) String operator) {
        boolean force = body != null && Boolean.TRUE.equals(body.force());
        String reason = body == null ? null : body.reason();
        AtomicReference<String> incidentId = new AtomicReference<>();
        decisions.decide(() -> {
            FailoverEngine.OperatorFence fence = engine.fence(hostId, force, reason, operator);
            incidentId.set(fence.incidentId());
            return fence.actions();
        });
        return ResponseEntity.accepted().location(URI.create("/api/v1/incidents/" + incidentId.get()))
                .body(engine.incident(incidentId.get()).orElseThrow());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail unknownHost(IllegalArgumentException e) {
        return Problems.of(HttpStatus.NOT_FOUND, "host-not-found", "Host not found", e.getMessage());
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail conflict(IllegalStateException e) {
        return Problems.of(HttpStatus.CONFLICT, "host-state-conflict", "Not possible in the host's state", e.getMessage());
    }

    private static HostHealthView view(HostHealth health) {
        return new HostHealthView(health.hostId(), health.state().name(),
                health.since() == null ? null : health.since().toString(), health.evidence(), true);
    }
}
