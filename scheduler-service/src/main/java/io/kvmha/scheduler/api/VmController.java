package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.scheduler.core.Admission;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.EvacuationOutcome;
import io.kvmha.scheduler.core.Placer;
import io.kvmha.scheduler.kafka.DecisionPublisher;
import io.kvmha.scheduler.kafka.PublicationFailedException;
import io.kvmha.scheduler.metrics.PlacementMetrics;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Creates VMs (validate, place, claim, publish), shows, deletes and migrates them. */
@RestController
@RequestMapping("/api/v1/vms")
@Tag(name = "VMs", description = "Desired VMs and their placement claims")
public class VmController {

    private static final Logger log = LoggerFactory.getLogger(VmController.class);

    private final Placer placer;
    private final ActivePlacerGuard guard;
    private final ClusterView view;
    private final DecisionPublisher publisher;
    private final PlacementMetrics metrics;
    private final Clock clock;

    public VmController(Placer placer, ClusterView view, DecisionPublisher publisher, PlacementMetrics metrics,
                        Clock schedulerClock, ActivePlacerGuard guard) {
        this.placer = placer;
        this.guard = guard;
        this.view = view;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = schedulerClock;
    }

    /** Body of {@code POST /api/v1/vms/{id}/migrate}. @param targetHostId absent = the scheduler chooses */
    public record MigrateRequest(String targetHostId) {
    }

    @PostMapping
    @Operation(summary = "Create a VM: validate its spec, place it (exact NUMA claim), publish spec, placement and "
            + "DEFINE_AND_START", description = "400 invalid spec (field and rule named), 409 duplicate name, no "
            + "host fits, tier quota exceeded or failover reserve (N+K) would break, 503 not published")
    public ResponseEntity<VmResponse> create(@Valid @RequestBody CreateVmRequest request) {
        guard.require();
        VmSpec spec = request.toSpec(UUID.randomUUID().toString(), clock.instant());
        Admission admission = metrics.timeDecision(PlacementMetrics.Kind.CREATE, () -> placer.admit(spec));
        if (admission instanceof Admission.Invalid invalid) {
            throw ApiProblems.invalid(invalid.violations());
        }
        if (admission instanceof Admission.DuplicateName duplicate) {
            metrics.count(PlacementMetrics.Kind.CREATE, PlacementMetrics.Outcome.DUPLICATE_NAME, 1);
            log.info("create vm name={} refused: name taken by vm={}", duplicate.name(), duplicate.existingVmId());
            throw ApiProblems.of(HttpStatus.CONFLICT, ApiProblems.DUPLICATE_NAME, "Duplicate VM name",
                    "a VM named '" + duplicate.name() + "' already exists: " + duplicate.existingVmId());
        }
        if (admission instanceof Admission.Rejected rejected) {
            metrics.count(PlacementMetrics.Kind.CREATE, PlacementMetrics.Outcome.NO_HOST_FITS, 1);
            log.warn("create vm name={} refused: {}", spec.name(), rejected.decision().explanation());
            throw ApiProblems.of(HttpStatus.CONFLICT, ApiProblems.NO_HOST_FITS, "No host fits",
                    rejected.decision().explanation());
        }
        if (admission instanceof Admission.Refused refused) {
            boolean quota = refused.rule() == Admission.Rule.TIER_QUOTA;
            metrics.count(PlacementMetrics.Kind.CREATE, quota ? PlacementMetrics.Outcome.TIER_QUOTA
                    : PlacementMetrics.Outcome.FAILOVER_RESERVE, 1);
            log.warn("create vm name={} tier={} refused: {}", spec.name(), spec.tier(), refused.reason());
            throw ApiProblems.of(HttpStatus.CONFLICT, quota ? ApiProblems.TIER_QUOTA : ApiProblems.FAILOVER_RESERVE,
                    quota ? "Tier quota exceeded" : "Failover reserve", refused.reason());
        }
        return published(spec, (Admission.Admitted) admission);
    }

    private ResponseEntity<VmResponse> published(VmSpec spec, Admission.Admitted admitted) {
        HostCommand command;
        try {
            command = publisher.publishNewVm(admitted);
        } catch (PublicationFailedException e) {
            placer.release(admitted);
            log.error("create vm={} name={} host={} not published, claim released: {}", spec.vmId(), spec.name(),
                    admitted.placement().hostId(), e.getMessage());
            throw ApiProblems.of(HttpStatus.SERVICE_UNAVAILABLE, ApiProblems.NOT_PUBLISHED, "Not published",
                    e.getMessage());
        }
        metrics.count(PlacementMetrics.Kind.CREATE, PlacementMetrics.Outcome.PLACED, 1);
        log.info("create vm={} name={} tier={} host={} cells={} generation={} command={} ({})", spec.vmId(), spec.name(),
                spec.tier(), admitted.placement().hostId(), admitted.placement().numaCells(),
                admitted.placement().generation(), command.commandId(), admitted.reason());
        URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(spec.vmId()).toUri();
        return ResponseEntity.created(location).body(VmResponse.of(spec, admitted.placement()));
    }

    @GetMapping
    @Operation(summary = "List VMs with their current placement")
    public List<VmResponse> list() {
        return view.read(ledger -> ledger.specs().stream()
                .map(vm -> VmResponse.of(vm, ledger.placement(vm.vmId()).orElse(null)))
                .toList());
    }

    @GetMapping("/{vmId}")
    @Operation(summary = "Show one VM", description = "404 unknown id")
    public VmResponse get(@PathVariable String vmId) {
        VmResponse vm = view.read(ledger -> ledger.spec(vmId)
                .map(spec -> VmResponse.of(spec, ledger.placement(vmId).orElse(null))).orElse(null));
        if (vm == null) {
            throw ApiProblems.vmNotFound(vmId);
        }
        return vm;
    }

    @DeleteMapping("/{vmId}")
    @Operation(summary = "Delete a VM: DESTROY and UNDEFINE on its host, tombstones for its spec and placement",
            description = "204 deleted, 404 unknown id, 503 not published")
    public ResponseEntity<Void> delete(@PathVariable String vmId) {
        guard.require();
        Placer.Deleted deleted = placer.delete(vmId);
        if (deleted == null) {
            throw ApiProblems.vmNotFound(vmId);
        }
        try {
            List<HostCommand> commands = publisher.publishDeletion(deleted);
            log.info("delete vm={} name={} host={} commands={}", vmId, deleted.spec().name(),
                    deleted.placement() == null ? null : deleted.placement().hostId(),
                    commands.stream().map(HostCommand::commandId).toList());
        } catch (PublicationFailedException e) {
            log.error("delete vm={} not published (removed from this instance's ledger only): {}", vmId, e.getMessage());
            throw ApiProblems.of(HttpStatus.SERVICE_UNAVAILABLE, ApiProblems.NOT_PUBLISHED, "Not published",
                    e.getMessage());
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{vmId}/migrate")
    @Operation(summary = "Plan a live migration: a target host (given or chosen) with the NUMA shape kept, claimed "
            + "and published as a new Placement; the failover service orchestrates the move",
            description = "404 unknown VM, 409 no host fits")
    public MovePlanResponse migrate(@PathVariable String vmId, @RequestBody(required = false) MigrateRequest request) {
        guard.require();
        String target = request == null ? null : request.targetHostId();
        EvacuationOutcome outcome = placer.migrate(vmId, target).orElseThrow(() -> ApiProblems.vmNotFound(vmId));
        if (!outcome.unplaced().isEmpty()) {
            String reason = outcome.unplaced().get(0).reason();
            log.warn("migrate vm={} target={} refused: {}", vmId, target, reason);
            throw ApiProblems.of(HttpStatus.CONFLICT, ApiProblems.NO_HOST_FITS, "No host fits", reason);
        }
        EvacuationOutcome.Move move = outcome.moves().get(0);
        publisher.publishMoves(outcome.moves(), "migration of vm " + vmId);
        log.info("migrate vm={} name={} from={} to={} generation={} ({})", vmId, move.spec().name(), move.fromHostId(),
                move.targetHostId(), move.placement().generation(), move.decisionReason());
        return MovePlanResponse.of(move.fromHostId(), false, outcome);
    }
}
