package io.kvmha.scheduler.api;

import io.kvmha.scheduler.core.ClusterSnapshot;
import io.kvmha.scheduler.core.ClusterView;
import io.kvmha.scheduler.core.PlacementEngine;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Known hosts with their health and what the ledger has claimed on them. */
@RestController
@RequestMapping("/api/v1/hosts")
public class HostController {

    private final ClusterView view;
    private final PlacementEngine engine;

    public HostController(ClusterView view, PlacementEngine engine) {
        this.view = view;
        this.engine = engine;
    }

    @GetMapping
    public List<HostResponse> list() {
        ClusterSnapshot cluster = view.snapshot();
        return cluster.hosts().stream()
                .map(host -> HostResponse.of(host, cluster.capacity(host, engine.ratios())))
                .toList();
    }
}
