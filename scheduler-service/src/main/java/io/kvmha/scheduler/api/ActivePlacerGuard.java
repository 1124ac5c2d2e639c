package io.kvmha.scheduler.api;

import io.kvmha.scheduler.SchedulerProperties;
import io.kvmha.scheduler.kafka.ActivePlacer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Mutating API calls run only on the active placer (see {@link ActivePlacer}); elsewhere they answer 503. */
@Component
class ActivePlacerGuard {

    private final ActivePlacer activePlacer;
    private final SchedulerProperties properties;

    ActivePlacerGuard(ActivePlacer activePlacer, SchedulerProperties properties) {
        this.activePlacer = activePlacer;
        this.properties = properties;
    }

    void require() {
        if (!activePlacer.awaitActive(properties.activePlacerWait())) {
            throw ApiProblems.of(HttpStatus.SERVICE_UNAVAILABLE, ApiProblems.NOT_ACTIVE_PLACER, "Not the active placer",
                    "this scheduler instance is a standby: another instance owns placement decisions; retry later "
                            + "or on another instance");
        }
    }
}
