package io.kvmha.simulation.scenario;

import io.kvmha.simulation.Simulation;
import io.kvmha.simulation.core.Percentiles;
import io.kvmha.simulation.fleet.VmStart;
import io.kvmha.simulation.plane.ClusterObserver;
import io.kvmha.simulation.plane.VmCreator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code sim-placement}: VM creates through the scheduler's REST API at {@code ratePerSecond} for {@code duration}
 * (open loop: requests are sent on schedule whether or not earlier ones were answered). Decision latency is the time
 * from sending the request to the Placement record's timestamp on Kafka (the scheduler decided, claimed and published).
 * A VM is lost when its create was accepted (201) but it was never started on the fleet within 30 s; creates that got
 * no answer (client timeout, connection failure) are counted apart as {@code unanswered}, refusals as {@code rejected}.
 */
public record PlacementRate(int ratePerSecond, Duration duration, long vmMemoryMib) implements Scenario {

    private static final Duration SETTLE = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "sim-placement";
    }

    @Override
    public ScenarioResult run(Simulation simulation) {
        VmCreator creator = new VmCreator(simulation.plane().service("scheduler-service").baseUrl(), vmMemoryMib);
        int total = (int) (ratePerSecond * duration.toSeconds());
        List<CompletableFuture<VmCreator.Created>> creates = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        int startsBefore = simulation.fleet().startCount();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = 1_000_000_000L / ratePerSecond;
        long t0 = System.nanoTime();
        try {
            pacer.scheduleAtFixedRate(() -> {
                int n = sent.incrementAndGet();
                if (n <= total) {
                    creates.add(creator.create("p-%06d".formatted(n), n));
                }
            }, 0, periodNanos, TimeUnit.NANOSECONDS);
            while (sent.get() < total) {
                Simulation.sleep(50);
            }
        } finally {
            pacer.shutdownNow();
        }
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        List<VmCreator.Created> answers = new ArrayList<>(creates).stream().map(CompletableFuture::join).toList();
        List<VmCreator.Created> accepted = answers.stream().filter(VmCreator.Created::accepted).toList();
        Set<String> ids = new HashSet<>();
        accepted.forEach(c -> ids.add(c.vmId()));
        // Wait for every accepted VM to be placed (observed on Kafka) and started by the fleet.
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Set<String> started = new HashSet<>();
        int scanned = startsBefore;
        while (System.nanoTime() < deadline) {
            List<VmStart> starts = simulation.fleet().starts();
            for (int i = scanned; i < starts.size(); i++) {
                if (ids.contains(starts.get(i).vmId())) {
                    started.add(starts.get(i).vmId());
                }
            }
            scanned = starts.size();
            if (started.size() == ids.size()) {
                break;
            }
            Simulation.sleep(100);
        }
        ClusterObserver observer = simulation.observer();
        List<Double> decisionMs = new ArrayList<>();
        List<Double> answerMs = new ArrayList<>();
        int placed = 0;
        for (VmCreator.Created c : accepted) {
            answerMs.add(Duration.between(c.sentAt(), c.answeredAt()).toNanos() / 1e6);
            var placement = observer.placement(c.vmId());
            if (placement.isPresent()) {
                placed++;
                decisionMs.add(Duration.between(c.sentAt(), placement.get().recordTime()).toNanos() / 1e6);
            }
        }
        long unanswered = answers.stream().filter(c -> c.status() < 0).count();
        long rejected = answers.stream().filter(c -> c.status() >= 0 && !c.accepted()).count();
        long lost = accepted.size() - started.size();
        Percentiles decision = new Percentiles(decisionMs);
        Percentiles answer = new Percentiles(answerMs);
        return new ScenarioResult()
                .metric("hosts", simulation.fleet().spec().hosts())
                .metric("target_rate_per_s", ratePerSecond)
                .metric("achieved_rate_per_s", Percentiles.round(total / sendSeconds, 1))
                .metric("requests", total)
                .metric("accepted", accepted.size())
                .metric("rejected", rejected)
                .metric("unanswered", unanswered)
                .metric("placed", placed)
                .metric("started", started.size())
                .metric("lost", lost)
                .metric("p50_ms", Percentiles.round(decision.percentile(50), 2))
                .metric("p99_ms", Percentiles.round(decision.percentile(99), 2))
                .metric("max_ms", Percentiles.round(decision.max(), 2))
                .metric("http_p99_ms", Percentiles.round(answer.percentile(99), 2))
                .detail("unanswered_errors", answers.stream().filter(c -> c.status() < 0)
                        .collect(java.util.stream.Collectors.groupingBy(c -> String.valueOf(c.problem()), java.util.stream.Collectors.counting())))
                .detail("rejected_statuses", answers.stream().filter(c -> c.status() >= 0 && !c.accepted())
                        .collect(java.util.stream.Collectors.groupingBy(c -> String.valueOf(c.status()), java.util.stream.Collectors.counting())));
    }
}
