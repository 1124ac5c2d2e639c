package io.kvmha.scheduler.kafka;

/** Kafka did not acknowledge a decision's events in time; the decision must not be reported as made. */
public class PublicationFailedException extends RuntimeException {

    public PublicationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
