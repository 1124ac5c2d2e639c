package io.kvmha.faultsoak;

import io.kvmha.failover.core.FenceOutcome;
import io.kvmha.failover.core.FenceRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A host's BMC as the failover service's fencing chain sees it (Redfish: GET PowerState, ForceOff, poll until Off;
 * two attempts bounded by 5 s each, 200 ms apart). It powers the host off for real when it works: a BMC does not
 * care whether the control plane that asked is still alive.
 */
final class SimBmc {

    enum Mode {
        /** Answers; powers off within 0.3-1.5 s. */
        OK,
        /** Answers slowly; powers off within 2-4.5 s (inside one attempt's time limit). */
        SLOW,
        /** Unreachable: both attempts time out (10.2 s); the failover falls back to the self-fence deadline. */
        TIMEOUT,
        /** Answers and refuses (HTTP 500 on ForceOff): fencing FAILED, nothing restarts, critical alert. */
        FAIL,
        /**
         * Reports the chassis Off without powering it off. Never part of a generated schedule: no control plane
         * survives a lying BMC; the checkers' own tests use it to provoke a VM running twice.
         */
        LIES
    }

    private final SimHost host;
    private final World world;
    private final History history;
    private Mode mode = Mode.OK;

    SimBmc(SimHost host, World world, History history) {
        this.host = host;
        this.world = world;
        this.history = history;
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    Mode mode() {
        return mode;
    }

    void fence(FenceRequest request, Consumer<FenceOutcome> outcome) {
        Mode now = mode;
        String hostId = host.id();
        switch (now) {
            case OK, SLOW -> {
                Duration took = now == Mode.OK ? world.between(Duration.ofMillis(300), Duration.ofMillis(1500))
                        : world.between(Duration.ofMillis(2000), Duration.ofMillis(4500));
                world.after(took, () -> {
                    boolean wasOn = host.powered();
                    if (wasOn) {
                        history.fenced(hostId, "powered off by its BMC (incident " + request.incidentId() + ")");
                        host.powerOff("BMC ForceOff, incident " + request.incidentId());
                    }
                    outcome.accept(new FenceOutcome(hostId, request.incidentId(), FenceOutcome.Result.POWERED_OFF, "redfish",
                            List.of("redfish: PowerState " + (wasOn ? "On, ForceOff accepted, Off after " + took.toMillis() + " ms"
                                    : "Off"))));
                });
            }
            case TIMEOUT -> world.after(Duration.ofMillis(10_200), () -> outcome.accept(new FenceOutcome(hostId,
                    request.incidentId(), FenceOutcome.Result.NO_CONFIRMATION, "redfish",
                    List.of("redfish: UNREACHABLE timed out after 5000 ms", "redfish: UNREACHABLE timed out after 5000 ms"))));
            case LIES -> world.after(Duration.ofMillis(500), () -> outcome.accept(new FenceOutcome(hostId,
                    request.incidentId(), FenceOutcome.Result.POWERED_OFF, "redfish", List.of("redfish: PowerState Off"))));
            case FAIL -> world.after(Duration.ofMillis(400), () -> outcome.accept(new FenceOutcome(hostId,
                    request.incidentId(), FenceOutcome.Result.REFUSED, "redfish",
                    List.of("redfish: answered HTTP 500 to ForceOff"))));
        }
    }
}
