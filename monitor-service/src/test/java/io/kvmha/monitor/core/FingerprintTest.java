package io.kvmha.monitor.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void isTheDocumentedTruncatedSha256() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest("KvmHostDown\0alertname\0KvmHostDown\0host\0h1\0severity\0critical".getBytes(StandardCharsets.UTF_8));
        String expected = HexFormat.of().formatHex(digest).substring(0, 16);

        assertThat(Fingerprint.of("KvmHostDown", Map.of("host", "h1", "alertname", "KvmHostDown", "severity", "critical")))
                .isEqualTo(expected)
                .hasSize(16)
                .matches("[0-9a-f]{16}");
    }

    @Test
    void doesNotDependOnLabelOrder() {
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put("host", "h1");
        ordered.put("severity", "critical");
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("severity", "critical");
        reversed.put("host", "h1");

        assertThat(Fingerprint.of("KvmHostDown", ordered)).isEqualTo(Fingerprint.of("KvmHostDown", reversed));
    }

    @Test
    void differsPerHostAndPerAlertName() {
        String h1 = Fingerprint.of("KvmHostDown", Map.of("host", "h1"));
        assertThat(Fingerprint.of("KvmHostDown", Map.of("host", "h2"))).isNotEqualTo(h1);
        assertThat(Fingerprint.of("KvmHostSlow", Map.of("host", "h1"))).isNotEqualTo(h1);
        // The separators keep label boundaries apart.
        assertThat(Fingerprint.of("A", Map.of("a", "bc"))).isNotEqualTo(Fingerprint.of("A", Map.of("ab", "c")));
    }
}
