package io.kvmha.failover.web;

import io.kvmha.failover.core.DrainOrchestrator;
import io.kvmha.failover.core.DrainRequest;
import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.kafka.DecisionPublisher;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Drains and migrations by live migration. The scheduler decides where each VM goes: one call to its
 * {@code POST /api/v1/hosts/{id}/drain} or {@code POST /api/v1/vms/{id}/migrate} publishes move placements,
 * which this service carries out (MIGRATE commands, parallelism, deadline, per-VM fallback, fencing paused
 * on a drained host); their progress is read here. An operator may also post a plan of moves directly.
 */
@RestController
public class DrainController {

    /** {@code {"moves":[{"vmId","targetHostId","fallback":"ABORT|COLD_RESTART"}],"parallelism":2,"deadlineSeconds":600,"reason":"..."}} */
    public record DrainBody(List<DrainRequest.Move> moves, Integer parallelism, Long deadlineSeconds, String reason) {
    }

    private final FailoverEngine engine;
    private final DecisionPublisher decisions;

    public DrainController(FailoverEngine engine, DecisionPublisher decisions) {
        this.engine = engine;
        this.decisions = decisions;
    }

    @PostMapping("/api/v1/hosts/{hostId}/drain")
    public ResponseEntity<DrainOrchestrator.DrainView> drain(@PathVariable String hostId, @RequestBody DrainBody body) {
        DrainRequest request = new DrainRequest(hostId, body.moves() == null ? List.of() : body.moves(),
                body.parallelism() == null ? 2 : body.parallelism(),
                Duration.ofSeconds(body.deadlineSeconds() == null ? 600 : body.deadlineSeconds()), body.reason());
        AtomicReference<String> id = new AtomicReference<>();
        decisions.decide(() -> {
            FailoverEngine.DrainStarted started = engine.drain(request);
            id.set(started.drainId());
            return started.actions();
        });
        return ResponseEntity.accepted().location(URI.create("/api/v1/drains/" + id.get()))
                .body(engine.drain(id.get()).orElseThrow());
    }

    /** Newest first; {@code hostId}: drains of that source host, {@code vmId}: drains and migrations moving it. */
    @GetMapping("/api/v1/drains")
    public List<DrainOrchestrator.DrainView> list(@RequestParam(required = false) String hostId,
                                                  @RequestParam(required = false) String vmId) {
        return engine.drains(hostId, vmId);
    }

    @GetMapping("/api/v1/drains/{drainId}")
    public DrainOrchestrator.DrainView get(@PathVariable String drainId) {
        return engine.drain(drainId).orElseThrow(() -> new DrainNotFound(drainId));
    }

    static final class DrainNotFound extends RuntimeException {
        DrainNotFound(String drainId) {
            super("no drain " + drainId + " on this failover instance");
        }
    }

    @ExceptionHandler(DrainNotFound.class)
    ProblemDetail notFound(DrainNotFound e) {
        return Problems.of(HttpStatus.NOT_FOUND, "drain-not-found", "Drain not found", e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return Problems.of(HttpStatus.BAD_REQUEST, "drain-invalid", "Drain not possible", e.getMessage());
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail conflict(IllegalStateException e) {
        return Problems.of(HttpStatus.CONFLICT, "host-state-conflict", "Drain not possible in the host's state",
                e.getMessage());
    }
}
