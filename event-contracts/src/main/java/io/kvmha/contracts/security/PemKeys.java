package io.kvmha.contracts.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys in PEM files, as {@code openssl} writes them: a private key as PKCS#8
 * ({@code -----BEGIN PRIVATE KEY-----}, {@code openssl genpkey -algorithm ed25519 -out signing.key.pem}) and a
 * public key as X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----},
 * {@code openssl pkey -in signing.key.pem -pubout -out signing.pub.pem}).
 */
public final class PemKeys {

    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private PemKeys() {
    }

    public static PrivateKey readPrivateKey(Path file) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(file, PRIVATE)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not an Ed25519 private key (PKCS#8 PEM): " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublicKey(Path file) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(file, PUBLIC)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not an Ed25519 public key (X.509 PEM): " + e.getMessage(), e);
        }
    }

    /** Writes a private key readable by its owner only (where the file system has POSIX permissions). */
    public static void writePrivateKey(PrivateKey key, Path file) {
        write(file, pem(PRIVATE, key.getEncoded()));
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // A file system without POSIX permissions: the directory's protection has to do.
        }
    }

    public static void writePublicKey(PublicKey key, Path file) {
        write(file, pem(PUBLIC, key.getEncoded()));
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(Path file, String label) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key file " + file, e);
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(file + " has no '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the " + label + " block is not base64", e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key file " + file, e);
        }
    }
}
