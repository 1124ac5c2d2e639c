package io.kvmha.contracts.spring;

import io.kvmha.contracts.event.AuditRecord;
import io.kvmha.contracts.security.ApiTokens;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The REST API guard of every servlet-based kvm-ha service: bearer tokens with roles when
 * {@code kvmha.security.api.tokens-file} is set (else one WARN at start-up that the API is unauthenticated), and
 * the audit trail of mutating requests. See {@link ApiAccessFilter}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter"})
@EnableConfigurationProperties(KvmHaSecurityProperties.class)
public class KvmHaApiSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KvmHaApiSecurityAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    ApiAccessFilter kvmhaApiAccessFilter(KvmHaSecurityProperties properties, ObjectProvider<EventPublisher> publisher) {
        KvmHaSecurityProperties.Api api = properties.api();
        ApiTokens tokens = null;
        if (api.tokensFile() == null) {
            log.warn("REST API is UNAUTHENTICATED: every caller may do everything; set kvmha.security.api.tokens-file");
        } else {
            tokens = ApiTokens.read(api.tokensFile());
            log.info("REST API requires bearer tokens: {} token(s) from {}, admin-only paths {}", tokens.size(),
                    api.tokensFile(), api.adminPaths());
        }
        Consumer<AuditRecord> audit = properties.audit().enabled() ? entry -> audit(publisher.getObject(), entry) : null;
        return new ApiAccessFilter(tokens, api.adminPaths(), api.openPaths(), audit, Clock.systemUTC());
    }

    private static void audit(EventPublisher publisher, AuditRecord entry) {
        CompletableFuture<?> sent = publisher.audit(entry);
        if (sent != null) { // null only from a mocked publisher in a service's tests
            sent.whenComplete((ok, failure) -> {
                if (failure != null) {
                    log.warn("audit record {} of actor={} not published: {}", entry.action(), entry.actor(),
                            failure.toString());
                }
            });
        }
    }
}
