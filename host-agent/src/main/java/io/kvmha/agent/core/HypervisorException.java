package io.kvmha.agent.core;

/** A hypervisor operation failed; the message is the hypervisor's own (for libvirt: its error text). */
public class HypervisorException extends RuntimeException {

    public HypervisorException(String message) {
        super(message);
    }

    public HypervisorException(String message, Throwable cause) {
        super(message, cause);
    }
}
