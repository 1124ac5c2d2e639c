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
import org.springframework.web.bind.annotation.RestController;

/**
 * Drains by live migration. The boundary with the scheduler: the scheduler decides where each VM goes
 * (its drain plan, already recorded as placements), the caller posts that list here, and the failover
 * service carries it out (MIGRATE commands, parallelism, deadline, per-VM fallback) with fencing paused.
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

    @GetMapping("/api/v1/drains")
    public List<DrainOrchestrator.DrainView> list() {
        return engine.drains();
    }

    @GetMapping("/api/v1/drains/{drainId}")
    public ResponseEntity<DrainOrchestrator.DrainView> get(@PathVariable String drainId) {
        return engine.drain(drainId).map(ResponseEntity::ok).orElse(ResponseEntity.notFound().build());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Drain not possible");
        return problem;
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail conflict(IllegalStateException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Drain not possible in the host's state");
        return problem;
    }
}
