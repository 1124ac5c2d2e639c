package io.kvmha.failover.web;

import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.kafka.DecisionPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The mass-failure guard: its state, and the release of held hosts one at a time by an operator who knows
 * they are really dead (each released host is then declared down and fenced if it is still silent).
 */
@RestController
@RequestMapping("/api/v1/guard")
public class GuardController {

    private final FailoverEngine engine;
    private final DecisionPublisher decisions;

    public GuardController(FailoverEngine engine, DecisionPublisher decisions) {
        this.engine = engine;
        this.decisions = decisions;
    }

    @GetMapping
    public FailoverEngine.GuardStatus status() {
        return engine.guardStatus();
    }

    /** Releases one held host; {@code X-Operator} names who did it in the log. 409 when the guard is not engaged. */
    @PostMapping("/hosts/{hostId}/release")
    public FailoverEngine.GuardStatus release(@PathVariable String hostId,
                                              @RequestHeader(name = "X-Operator", required = false) String operator) {
        decisions.decide(() -> engine.releaseFromGuard(hostId, operator));
        return engine.guardStatus();
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail notEngaged(IllegalStateException e) {
        return Problems.of(HttpStatus.CONFLICT, "guard-not-engaged", "Mass-failure guard not engaged", e.getMessage());
    }
}
