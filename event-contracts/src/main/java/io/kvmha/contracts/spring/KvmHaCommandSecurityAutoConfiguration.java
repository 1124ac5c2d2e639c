package io.kvmha.contracts.spring;

import io.kvmha.contracts.security.CommandSigner;
import io.kvmha.contracts.security.CommandVerifier;
import io.kvmha.contracts.security.PemKeys;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Signed host commands: a {@link CommandSigner} when {@code kvmha.security.commands.signing-key-file} is set (the
 * contracts' EventPublisher then signs every HostCommand), a {@link CommandVerifier} when
 * {@code kvmha.security.commands.trusted-keys} names at least one key (the agent then verifies before executing).
 */
@AutoConfiguration(before = KvmHaKafkaAutoConfiguration.class)
@EnableConfigurationProperties(KvmHaSecurityProperties.class)
public class KvmHaCommandSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KvmHaCommandSecurityAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "kvmha.security.commands", name = "signing-key-file")
    CommandSigner commandSigner(KvmHaSecurityProperties properties) {
        KvmHaSecurityProperties.Commands commands = properties.commands();
        CommandSigner signer = new CommandSigner(commands.signingKeyId(), PemKeys.readPrivateKey(commands.signingKeyFile()));
        log.info("host commands are signed with key id={} from {}", commands.signingKeyId(), commands.signingKeyFile());
        return signer;
    }

    @Bean
    @ConditionalOnMissingBean
    @Conditional(TrustedKeysConfigured.class)
    CommandVerifier commandVerifier(KvmHaSecurityProperties properties) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (Map.Entry<String, Path> trusted : properties.commands().trustedKeys().entrySet()) {
            keys.put(trusted.getKey(), PemKeys.readPublicKey(trusted.getValue()));
        }
        log.info("host commands are executed only when signed by one of the trusted key ids {}", keys.keySet());
        return new CommandVerifier(keys, properties.commands().replayMemory());
    }

    /** A map property has no single key for {@code @ConditionalOnProperty}: bind it and look. */
    static final class TrustedKeysConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment())
                    .bind("kvmha.security.commands.trusted-keys", Bindable.mapOf(String.class, String.class))
                    .map(m -> !m.isEmpty())
                    .orElse(false);
        }
    }
}
