package io.kvmha.contracts.spring;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Security settings every kvm-ha service shares ({@code kvmha.security.*}). Everything is off unless configured,
 * except the audit trail.
 *
 * @param commands signing of host commands (control plane) and their verification (agents)
 * @param api      authentication of the REST APIs
 * @param audit    the audit trail on {@code kvmha.audit}
 */
@Validated
@ConfigurationProperties(prefix = "kvmha.security")
public record KvmHaSecurityProperties(
        @DefaultValue @Valid @NotNull Commands commands,
        @DefaultValue @Valid @NotNull Api api,
        @DefaultValue @Valid @NotNull Audit audit) {

    /**
     * @param signingKeyFile Ed25519 private key (PKCS#8 PEM); when set, every HostCommand this process publishes
     *                       is signed (default: unset, commands go out unsigned)
     * @param signingKeyId   the key id written into signatures; agents look it up in their trusted keys
     *                       (default {@code control-plane})
     * @param trustedKeys    key id -> Ed25519 public key file (X.509 PEM); when not empty, an agent executes only
     *                       commands signed by one of these keys (default: empty, no verification)
     * @param replayMemory   how many accepted command ids an agent remembers to detect re-used ids (default 10000)
     */
    public record Commands(
            @Nullable Path signingKeyFile,
            @DefaultValue("control-plane") @NotBlank String signingKeyId,
            Map<String, Path> trustedKeys,
            @DefaultValue("10000") @Min(1) int replayMemory) {

        public Commands {
            trustedKeys = trustedKeys == null ? Map.of() : Map.copyOf(trustedKeys);
        }
    }

    /**
     * @param tokensFile bearer tokens (hash, principal, role per line, see {@code ApiTokens}); when unset the API
     *                   is unauthenticated and a WARN says so at start-up (default: unset)
     * @param adminPaths Ant-style path patterns whose mutating requests need the admin role
     *                   (default {@code /api/v1/hosts/*}{@code /fence}, {@code /api/v1/guard/**})
     * @param openPaths  path patterns served without a token (default {@code /actuator/health},
     *                   {@code /actuator/health/**}, {@code /actuator/prometheus})
     */
    public record Api(
            @Nullable Path tokensFile,
            @DefaultValue({"/api/v1/hosts/*/fence", "/api/v1/guard/**"}) List<String> adminPaths,
            @DefaultValue({"/actuator/health", "/actuator/health/**", "/actuator/prometheus"}) List<String> openPaths) {

        public Api {
            adminPaths = adminPaths == null ? List.of() : List.copyOf(adminPaths);
            openPaths = openPaths == null ? List.of() : List.copyOf(openPaths);
        }
    }

    /**
     * @param enabled publish an AuditRecord per mutating API request and per host command issued (default true)
     */
    public record Audit(@DefaultValue("true") boolean enabled) {
    }
}
