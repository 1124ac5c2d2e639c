package io.kvmha.failover.web;

import io.kvmha.failover.core.FailoverEngine;
import io.kvmha.failover.core.HostHealth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Host health as this failover instance judges it. Hosts known from inventory but not heard from
 * since this instance started are listed as not yet heard: they cannot be declared down before then.
 */
@RestController
@RequestMapping("/api/v1/hosts")
public class HostHealthController {

    /** One host: its state, since when, and the evidence of the last transition. */
    public record HostHealthView(String hostId, String state, String since, List<String> evidence, boolean heard) {
    }

    private final FailoverEngine engine;

    public HostHealthController(FailoverEngine engine) {
        this.engine = engine;
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

    private static HostHealthView view(HostHealth health) {
        return new HostHealthView(health.hostId(), health.state().name(),
                health.since() == null ? null : health.since().toString(), health.evidence(), true);
    }
}
