package io.kvmha.monitor.core;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.KvmHaEvent;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code KvmHostDown}: a host the failover service declared DOWN or FENCED. Its return to ONLINE
 * resolves the alert. The states in between (SUSPECT, FENCING, RECOVERING, MAINTENANCE) neither fire
 * nor resolve it: a host that is recovering is not back yet.
 */
public final class HostDownRule implements EventRule {

    public static final String NAME = "KvmHostDown";
    private static final Alert.Severity SEVERITY = Alert.Severity.CRITICAL;

    private final String runbookUrl;

    /** @param runbookBaseUrl the operations guide, such as {@code docs/OPERATIONS.md}; the rule adds its anchor */
    public HostDownRule(String runbookBaseUrl) {
        this.runbookUrl = runbookBaseUrl + "#" + NAME.toLowerCase(Locale.ROOT);
    }

    @Override
    public String alertName() {
        return NAME;
    }

    @Override
    public List<AlertCondition> evaluate(KvmHaEvent event) {
        if (!(event instanceof HostHealthChange change)) {
            return List.of();
        }
        return switch (change.current()) {
            case DOWN, FENCED -> List.of(AlertCondition.holds(NAME, SEVERITY, labels(change.hostId()),
                    annotations(change), change.changedAt()));
            case ONLINE -> List.of(AlertCondition.cleared(NAME, SEVERITY, labels(change.hostId()), change.changedAt()));
            default -> List.of();
        };
    }

    public String runbookUrl() {
        return runbookUrl;
    }

    private static Map<String, String> labels(String hostId) {
        return Map.of("alertname", NAME, "host", hostId, "severity", SEVERITY.name().toLowerCase(Locale.ROOT));
    }

    private Map<String, String> annotations(HostHealthChange change) {
        String evidence = change.evidence().isEmpty() ? "none recorded" : String.join("; ", change.evidence());
        String description = "Host %s went from %s to %s at %s. Evidence: %s.%s".formatted(change.hostId(),
                change.previous() == null ? "unknown" : change.previous(), change.current(), change.changedAt(),
                evidence, change.incidentId() == null ? "" : " Incident: " + change.incidentId() + ".");
        return Map.of(
                "summary", "Host " + change.hostId() + " is down",
                "description", description,
                "runbook_url", runbookUrl);
    }
}
