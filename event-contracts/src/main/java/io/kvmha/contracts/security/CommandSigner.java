package io.kvmha.contracts.security;

import io.kvmha.contracts.event.HostCommand;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Base64;

/** Signs host commands with the control plane's Ed25519 key. Thread-safe. */
public final class CommandSigner {

    private final String keyId;
    private final PrivateKey key;

    public CommandSigner(String keyId, PrivateKey key) {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("a signing key needs an id");
        }
        if (!"EdDSA".equals(key.getAlgorithm()) && !"Ed25519".equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("command signing key must be Ed25519, was " + key.getAlgorithm());
        }
        this.keyId = keyId;
        this.key = key;
    }

    public String keyId() {
        return keyId;
    }

    /** {@code command} with its signature (replacing any earlier one). */
    public HostCommand sign(HostCommand command) {
        try {
            java.security.Signature ed25519 = java.security.Signature.getInstance("Ed25519");
            ed25519.initSign(key);
            ed25519.update(CanonicalCommand.bytes(command));
            String value = Base64.getEncoder().encodeToString(ed25519.sign());
            return command.withSignature(new HostCommand.Signature(keyId, value));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign command " + command.commandId() + ": " + e.getMessage(), e);
        }
    }
}
