package io.kvmha.monitor.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of an alert: the same alert name and labels always give the same fingerprint, in every
 * process and across restarts, so a re-sent or resolved alert matches the one that fired.
 *
 * <p>Definition (keep it stable, consumers store it): SHA-256 over the UTF-8 bytes of the alert name,
 * then for every label in ascending key order a NUL byte, the key, a NUL byte and the value; the
 * fingerprint is the first 16 lowercase hex characters (64 bits) of the digest. Annotations, state
 * and times are not part of it.
 */
public final class Fingerprint {

    private static final int HEX_CHARS = 16;

    private Fingerprint() {
    }

    public static String of(String alertName, Map<String, String> labels) {
        StringBuilder text = new StringBuilder(alertName);
        new TreeMap<>(labels).forEach((key, value) -> text.append('\0').append(key).append('\0').append(value));
        return HexFormat.of().formatHex(sha256(text.toString())).substring(0, HEX_CHARS);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
