package io.kvmha.scheduler.api;

import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.event.VmSpec;
import io.kvmha.scheduler.core.Admission;
import io.kvmha.scheduler.core.ClusterSnapshot;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.Placer;
import io.kvmha.scheduler.kafka.DecisionPublisher;
import io.kvmha.scheduler.kafka.PublicationFailedException;
import io.kvmha.scheduler.metrics.PlacementMetrics;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Creates VMs (place, claim, publish) and shows them with their current host. */
@RestController
@RequestMapping("/api/v1/vms")
public class VmController {

    private static final Logger log = LoggerFactory.getLogger(VmController.class);

    private final Placer placer;
    private final ClusterView view;
    private final DecisionPublisher publisher;
    private final PlacementMetrics metrics;
    private final Clock clock;

    public VmController(Placer placer, ClusterView view, DecisionPublisher publisher, PlacementMetrics metrics,
                        Clock schedulerClock) {
        this.placer = placer;
        this.view = view;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = schedulerClock;
    }

    @PostMapping
    public ResponseEntity<VmResponse> create(@Valid @RequestBody CreateVmRequest request) {
        VmSpec spec = new VmSpec(UUID.randomUUID().toString(), request.name(), request.vcpus(), request.memoryMib(),
                request.tier(), request.haPolicyOrDefault(), request.priorityOrDefault(), request.labelsOrEmpty(),
                clock.instant());
        Admission admission = metrics.timeDecision(PlacementMetrics.Kind.CREATE, () -> placer.admit(spec));
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
        Admission.Admitted admitted = (Admission.Admitted) admission;
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
        log.info("create vm={} name={} tier={} host={} generation={} command={} ({})", spec.vmId(), spec.name(),
                spec.tier(), admitted.placement().hostId(), admitted.placement().generation(), command.commandId(),
                admitted.reason());
        URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(spec.vmId()).toUri();
        return ResponseEntity.created(location).body(VmResponse.of(spec, admitted.placement()));
    }

    @GetMapping
    public List<VmResponse> list() {
        ClusterSnapshot cluster = view.snapshot();
        return cluster.vms().stream()
                .map(vm -> VmResponse.of(vm, cluster.placement(vm.vmId()).orElse(null)))
                .toList();
    }

    @GetMapping("/{vmId}")
    public VmResponse get(@PathVariable String vmId) {
        ClusterSnapshot cluster = view.snapshot();
        VmSpec spec = cluster.vm(vmId).orElseThrow(() -> ApiProblems.of(HttpStatus.NOT_FOUND, ApiProblems.VM_NOT_FOUND,
                "VM not found", "no VM with id " + vmId));
        return VmResponse.of(spec, cluster.placement(vmId).orElse(null));
    }
}
