package io.kvmha.scheduler.api;

import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.EvacuationOutcome;
import io.kvmha.scheduler.core.Placer;
import io.kvmha.scheduler.kafka.DecisionPublisher;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Known hosts with per-cell capacity and usage from the ledger; drain and undrain. */
@RestController
@RequestMapping("/api/v1/hosts")
@Tag(name = "Hosts", description = "Hosts, their NUMA cells, and maintenance drains")
public class HostController {

    private static final Logger log = LoggerFactory.getLogger(HostController.class);

    private final ClusterView view;
    private final Placer placer;
    private final ActivePlacerGuard guard;
    private final DecisionPublisher publisher;

    public HostController(ClusterView view, Placer placer, DecisionPublisher publisher, ActivePlacerGuard guard) {
        this.guard = guard;
        this.view = view;
        this.placer = placer;
        this.publisher = publisher;
    }

    @GetMapping
    @Operation(summary = "List hosts with per-cell capacity and ledger usage")
    public List<HostResponse> list() {
        return view.read(ledger -> ledger.hosts().stream().map(HostResponse::of).toList());
    }

    @GetMapping("/{hostId}")
    @Operation(summary = "Show one host", description = "404 unknown id")
    public HostResponse get(@PathVariable String hostId) {
        HostResponse host = view.read(ledger -> ledger.host(hostId).map(HostResponse::of).orElse(null));
        if (host == null) {
            throw ApiProblems.hostNotFound(hostId);
        }
        return host;
    }

    @PostMapping("/{hostId}/drain")
    @Operation(summary = "Drain a host for maintenance: exclude it from placement and plan a live-migration target "
            + "for each of its VMs (claimed and published as Placements; the failover service migrates)",
            description = "404 unknown host. VMs that fit nowhere are listed in `unplaced` with reasons.")
    public MovePlanResponse drain(@PathVariable String hostId) {
        guard.require();
        EvacuationOutcome outcome = placer.drain(hostId).orElseThrow(() -> ApiProblems.hostNotFound(hostId));
        publisher.publishMoves(outcome.moves(), "drain of host " + hostId);
        outcome.moves().forEach(m -> log.info("drain host={} vm={} name={} to={} generation={} ({})", hostId,
                m.spec().vmId(), m.spec().name(), m.targetHostId(), m.placement().generation(), m.decisionReason()));
        outcome.unplaced().forEach(u -> log.warn("drain host={} vm={} name={} unplaced: {}", hostId, u.spec().vmId(),
                u.spec().name(), u.reason()));
        log.info("drain host={} planned: {} moves, {} unplaced", hostId, outcome.moves().size(), outcome.unplaced().size());
        return MovePlanResponse.of(hostId, true, outcome);
    }

    @PostMapping("/{hostId}/undrain")
    @Operation(summary = "Re-admit a drained host to placement", description = "204, or 404 unknown host")
    public ResponseEntity<Void> undrain(@PathVariable String hostId) {
        guard.require();
        if (!placer.undrain(hostId)) {
            throw ApiProblems.hostNotFound(hostId);
        }
        log.info("undrain host={}: accepts VMs again", hostId);
        return ResponseEntity.noContent().build();
    }
}
