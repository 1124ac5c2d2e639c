package io.kvmha.contracts.security;

import io.kvmha.contracts.event.HostCommand;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The agent's check of a host command before it is executed, in this order:
 * <ol>
 *   <li>{@link Reason#UNSIGNED}: no signature;</li>
 *   <li>{@link Reason#UNKNOWN_KEY}: signed with a key id the agent does not trust;</li>
 *   <li>{@link Reason#BAD_SIGNATURE}: the signature does not verify over {@link CanonicalCommand#bytes};</li>
 *   <li>{@link Reason#REPLAYED}: a verified command whose id was seen before with different content (a captured
 *       id re-used for another action, or an issuer bug); the same content again is a redelivery and passes, so
 *       the agent answers it with its first result without executing it again;</li>
 *   <li>{@link Reason#EXPIRED}: first seen after its deadline.</li>
 * </ol>
 * The command ids of the last {@code replayMemory} accepted commands are remembered; an older command replayed
 * after that is refused by its deadline, which bounds the replay window. Thread-safe.
 */
public final class CommandVerifier {

    /** Why a command was refused; {@link #code()} is the metric label. */
    public enum Reason {
        UNSIGNED, BAD_SIGNATURE, EXPIRED, REPLAYED, UNKNOWN_KEY;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The outcome of a check.
     *
     * @param rejection   why it was refused; null when accepted
     * @param redelivered accepted, and seen before with the same content
     * @param detail      for logs and the REJECTED result
     */
    public record Verdict(@Nullable Reason rejection, boolean redelivered, String detail) {
        public boolean accepted() {
            return rejection == null;
        }

        static Verdict reject(Reason reason, String detail) {
            return new Verdict(reason, false, reason.name() + ": " + detail);
        }
    }

    private final Map<String, PublicKey> trustedKeys;
    private final Map<String, byte[]> seen;

    /**
     * @param trustedKeys  key id -> Ed25519 public key
     * @param replayMemory how many accepted command ids are remembered
     */
    public CommandVerifier(Map<String, PublicKey> trustedKeys, int replayMemory) {
        if (trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("a verifier needs at least one trusted key");
        }
        if (replayMemory < 1) {
            throw new IllegalArgumentException("replayMemory must be at least 1, was " + replayMemory);
        }
        this.trustedKeys = Map.copyOf(trustedKeys);
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > replayMemory;
            }
        };
    }

    public synchronized Verdict verify(HostCommand command, Instant now) {
        HostCommand.Signature signature = command.signature();
        if (signature == null) {
            return Verdict.reject(Reason.UNSIGNED, "command carries no signature");
        }
        PublicKey key = trustedKeys.get(signature.keyId());
        if (key == null) {
            return Verdict.reject(Reason.UNKNOWN_KEY, "key id '" + printable(signature.keyId()) + "' is not trusted");
        }
        byte[] canonical = CanonicalCommand.bytes(command);
        if (!verifies(key, canonical, signature.value())) {
            return Verdict.reject(Reason.BAD_SIGNATURE, "signature does not verify with key '" + signature.keyId() + "'");
        }
        byte[] digest = sha256(canonical);
        byte[] earlier = seen.get(command.commandId());
        if (earlier != null) {
            if (!MessageDigest.isEqual(earlier, digest)) {
                return Verdict.reject(Reason.REPLAYED, "command id seen before with different content");
            }
            return new Verdict(null, true, "redelivered");
        }
        if (now.isAfter(command.deadline())) {
            return Verdict.reject(Reason.EXPIRED, "past its deadline " + command.deadline() + " (now " + now + ")");
        }
        seen.put(command.commandId(), digest);
        return new Verdict(null, false, "verified with key '" + signature.keyId() + "'");
    }

    private static boolean verifies(PublicKey key, byte[] canonical, String value) {
        try {
            byte[] bytes = Base64.getDecoder().decode(value);
            java.security.Signature ed25519 = java.security.Signature.getInstance("Ed25519");
            ed25519.initVerify(key);
            ed25519.update(canonical);
            return ed25519.verify(bytes);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // Not base64, wrong length or a key of another kind: all just a signature that does not verify.
            return false;
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Key ids come from the wire: keep log lines short and on one line. */
    private static String printable(String s) {
        String oneLine = s.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 64 ? oneLine.substring(0, 64) + "..." : oneLine;
    }
}
