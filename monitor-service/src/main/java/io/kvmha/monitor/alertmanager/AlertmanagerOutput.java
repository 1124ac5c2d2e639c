package io.kvmha.monitor.alertmanager;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.kvmha.contracts.event.Alert;
import io.kvmha.monitor.MonitorProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends alerts to every configured Alertmanager through API v2 ({@code POST /api/v2/alerts}), as
 * Prometheus does: each transition at once, and every firing or recently resolved alert again every
 * {@code resend-interval}. Each Alertmanager has its own queue and sender thread, so a dead one never
 * delays the others; each request is retried with exponential backoff (Resilience4j), then dropped
 * (the next re-send carries the alert again). Firing alerts carry {@code endsAt} = now + 4 re-send
 * intervals, so Alertmanager resolves them by itself if this service disappears.
 */
@Component
public class AlertmanagerOutput implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AlertmanagerOutput.class);
    /** Resolved alerts are re-sent this long (Prometheus: 15 min), in case an Alertmanager missed the resolve. */
    private static final Duration RESOLVED_RESEND = Duration.ofMinutes(15);

    private final MonitorProperties properties;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Alert> current = new ConcurrentHashMap<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private volatile java.util.function.BiConsumer<URI, List<Alert>> deliveries = (uri, alerts) -> { };

    public AlertmanagerOutput(MonitorProperties properties, Clock clock, MeterRegistry meters) {
        this.properties = properties;
        this.clock = clock;
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(properties.alertmanagerAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
                .retryExceptions(IOException.class, DeliveryException.class)
                .build();
        for (URI base : properties.alertmanagers()) {
            endpoints.add(new Endpoint(base, Retry.of("alertmanager-" + base, config), meters));
        }
    }

    /** Hands an alert transition (firing or resolved) to every Alertmanager, without waiting. */
    public void offer(Alert alert) {
        current.put(alert.fingerprint(), alert); // a resolved one is re-sent for a while, then dropped
        endpoints.forEach(e -> e.queue.add(alert));
    }

    /** Called after each accepted POST with the Alertmanager and the alerts it took (for measurements). */
    public void onDelivered(java.util.function.BiConsumer<URI, List<Alert>> listener) {
        this.deliveries = listener;
    }

    public boolean isEnabled() {
        return !endpoints.isEmpty();
    }

    @Scheduled(fixedDelayString = "${kvmha.monitor.resend-interval:30s}",
            initialDelayString = "${kvmha.monitor.resend-interval:30s}")
    void resend() {
        Instant now = clock.instant();
        current.values().removeIf(a -> a.status() == Alert.Status.RESOLVED && a.endsAt() != null
                && a.endsAt().plus(RESOLVED_RESEND).isBefore(now));
        List<Alert> all = List.copyOf(current.values());
        if (!all.isEmpty()) {
            endpoints.forEach(e -> e.queue.addAll(all));
        }
    }

    /** The Alertmanager API v2 body for these alerts (a JSON array of postable alerts). */
    String body(List<Alert> alerts) {
        Instant now = clock.instant();
        List<Map<String, Object>> out = new ArrayList<>(alerts.size());
        for (Alert alert : alerts) {
            Map<String, String> labels = new LinkedHashMap<>(alert.labels());
            labels.putIfAbsent("cluster", properties.cluster());
            labels.putIfAbsent("alertname", alert.name());
            Map<String, Object> postable = new LinkedHashMap<>();
            postable.put("labels", labels);
            postable.put("annotations", alert.annotations());
            postable.put("startsAt", alert.startsAt().toString());
            Instant endsAt = alert.status() == Alert.Status.RESOLVED && alert.endsAt() != null ? alert.endsAt()
                    : now.plus(properties.resendInterval().multipliedBy(4));
            postable.put("endsAt", endsAt.toString());
            String runbook = alert.annotations().get("runbook_url");
            if (runbook != null && isAbsoluteUri(runbook)) {
                postable.put("generatorURL", runbook); // Alertmanager accepts only an absolute URI here
            }
            out.add(postable);
        }
        return json.writeValueAsString(out);
    }

    private static boolean isAbsoluteUri(String text) {
        try {
            return URI.create(text).isAbsolute();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void destroy() {
        endpoints.forEach(e -> e.worker.interrupt());
    }

    static final class DeliveryException extends RuntimeException {
        DeliveryException(String message) {
            super(message);
        }
    }

    private final class Endpoint {

        final URI uri;
        final Retry retry;
        final BlockingQueue<Alert> queue = new LinkedBlockingQueue<>();
        final Thread worker;
        final Counter sent;
        final Counter failed;
        final Timer latency;

        Endpoint(URI base, Retry retry, MeterRegistry meters) {
            this.uri = base.resolve("/api/v2/alerts");
            this.retry = retry;
            String instance = base.getAuthority();
            this.sent = Counter.builder("kvmha.alertmanager.alerts.sent").tag("alertmanager", instance)
                    .description("Alerts delivered to an Alertmanager (re-sends included)").register(meters);
            this.failed = Counter.builder("kvmha.alertmanager.alerts.failed").tag("alertmanager", instance)
                    .description("Alerts dropped after every retry to an Alertmanager failed").register(meters);
            this.latency = Timer.builder("kvmha.alertmanager.request").tag("alertmanager", instance)
                    .description("Duration of POST /api/v2/alerts, retries included").register(meters);
            this.worker = new Thread(this::run, "alertmanager-" + instance);
            this.worker.setDaemon(true);
            this.worker.start();
        }

        private void run() {
            List<Alert> batch = new ArrayList<>();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    return;
                }
                queue.drainTo(batch);
                // The same alert twice in one batch: only its latest state matters.
                Map<String, Alert> latest = new LinkedHashMap<>();
                batch.forEach(a -> latest.put(a.fingerprint(), a));
                batch.clear();
                deliver(List.copyOf(latest.values()));
            }
        }

        private void deliver(List<Alert> alerts) {
            String body = body(alerts);
            long start = System.nanoTime();
            try {
                Retry.decorateCheckedRunnable(retry, () -> post(body)).run();
                sent.increment(alerts.size());
                deliveries.accept(uri, alerts);
            } catch (Throwable e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                failed.increment(alerts.size());
                log.warn("alertmanager={} dropped alerts={} after {} attempts: {}", uri, alerts.size(),
                        properties.alertmanagerAttempts(), e.toString());
            } finally {
                latency.record(Duration.ofNanos(System.nanoTime() - start));
            }
        }

        private void post(String body) throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 4) {
                // Alertmanager refused the payload: sending it again cannot help.
                throw new IllegalArgumentException("HTTP " + response.statusCode() + ": " + response.body());
            }
            if (response.statusCode() / 100 != 2) {
                throw new DeliveryException("HTTP " + response.statusCode() + ": " + response.body());
            }
        }
    }
}
