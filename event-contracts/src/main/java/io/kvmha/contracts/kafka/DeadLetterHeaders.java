package io.kvmha.contracts.kafka;

/** Headers kvm-ha adds to every dead-letter record, beside Spring Kafka's {@code kafka_dlt-*} ones. */
public final class DeadLetterHeaders {
    /** A short machine-readable reason code, such as {@code bad-json} or {@code missing-field}. */
    public static final String REASON = "kvmha_dlt_reason";
    /** The full explanation, naming the field, type or topic at fault. */
    public static final String DETAIL = "kvmha_dlt_detail";
    /** Where the record came from: {@code topic/partition@offset}. */
    public static final String ORIGIN = "kvmha_dlt_origin";
    /** The consumer group that could not read it. */
    public static final String GROUP = "kvmha_dlt_group";

    private DeadLetterHeaders() {
    }
}
