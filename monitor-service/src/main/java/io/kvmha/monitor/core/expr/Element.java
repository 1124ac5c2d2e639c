package io.kvmha.monitor.core.expr;

import java.util.Map;

/** One element of an instant vector: labels (without the metric name) and a value. */
public record Element(Map<String, String> labels, double value) {
}
