package io.kvmha.contracts.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API's bearer tokens, from a file that holds only their SHA-256 hashes, so the file itself grants nothing:
 * <pre>
 * # sha256(token) in hex      principal   role (viewer, operator or admin)
 * 9f86d081884c7d65...         alice       admin
 * </pre>
 * Hash a token with {@code printf %s "$TOKEN" | sha256sum}. Blank lines and {@code #} comments (also at the end
 * of a line) are ignored.
 */
public final class ApiTokens {

    /** Who a token belongs to. */
    public record ApiPrincipal(String name, ApiRole role) {
    }

    private final Map<String, ApiPrincipal> byHash;

    public ApiTokens(Map<String, ApiPrincipal> byHash) {
        this.byHash = Map.copyOf(byHash);
    }

    public static ApiTokens read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API tokens file " + file, e);
        }
    }

    static ApiTokens parse(List<String> lines, String source) {
        Map<String, ApiPrincipal> byHash = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("\\s+#.*$", "").strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = source + ":" + (i + 1);
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + ": expected '<sha256-hex> <principal> <role>'");
            }
            String hash = parts[0].toLowerCase(Locale.ROOT);
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(where + ": the first column must be a SHA-256 hash in hex (64 digits)");
            }
            ApiRole role;
            try {
                role = ApiRole.valueOf(parts[2].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": role must be viewer, operator or admin, was " + parts[2]);
            }
            if (byHash.put(hash, new ApiPrincipal(parts[1], role)) != null) {
                throw new IllegalArgumentException(where + ": the same token hash appears twice");
            }
        }
        return new ApiTokens(byHash);
    }

    /** The principal a presented token belongs to. */
    public Optional<ApiPrincipal> principal(String token) {
        return Optional.ofNullable(byHash.get(hash(token)));
    }

    public int size() {
        return byHash.size();
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
