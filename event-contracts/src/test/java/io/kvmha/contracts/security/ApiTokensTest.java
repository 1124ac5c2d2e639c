package io.kvmha.contracts.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiTokensTest {

    @Test
    void tokensAreLookedUpByTheirHashAndRolesInclude() {
        ApiTokens tokens = ApiTokens.parse(List.of("# hash principal role", "",
                ApiTokens.hash("s3cret") + " alice admin   # the on-call lead", ApiTokens.hash("view") + "  bob   Viewer"), "tokens");
        assertThat(tokens.principal("s3cret")).contains(new ApiTokens.ApiPrincipal("alice", ApiRole.ADMIN));
        assertThat(tokens.principal("view")).contains(new ApiTokens.ApiPrincipal("bob", ApiRole.VIEWER));
        assertThat(tokens.principal("other")).isEmpty();
        assertThat(ApiRole.ADMIN.includes(ApiRole.OPERATOR)).isTrue();
        assertThat(ApiRole.OPERATOR.includes(ApiRole.ADMIN)).isFalse();
        assertThat(ApiRole.VIEWER.includes(ApiRole.VIEWER)).isTrue();
    }

    @Test
    void aBrokenLineIsRefusedWithItsLineNumber() {
        assertThatThrownBy(() -> ApiTokens.parse(List.of("abc alice admin"), "tokens"))
                .hasMessageContaining("tokens:1").hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> ApiTokens.parse(List.of(ApiTokens.hash("x") + " alice root"), "tokens"))
                .hasMessageContaining("role");
        assertThatThrownBy(() -> ApiTokens.parse(List.of(ApiTokens.hash("x") + " alice"), "tokens"))
                .hasMessageContaining("expected");
    }
}
