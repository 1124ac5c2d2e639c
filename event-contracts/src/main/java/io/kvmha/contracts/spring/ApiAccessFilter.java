package io.kvmha.contracts.spring;

import io.kvmha.contracts.event.AuditRecord;
import io.kvmha.contracts.security.ApiRole;
import io.kvmha.contracts.security.ApiTokens;
import io.kvmha.contracts.security.ApiTokens.ApiPrincipal;
import io.kvmha.contracts.security.AuditEntries;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Guards a service's REST API and records operators' requests on the audit trail.
 *
 * <ul>
 *   <li>Open paths (health, Prometheus scrape) pass without a token and are not audited.</li>
 *   <li>With tokens configured, every other request needs {@code Authorization: Bearer <token>}: GET and HEAD need
 *       the viewer role, other methods operator, and other methods on the admin paths admin. A missing or unknown
 *       token is a 401 with {@code WWW-Authenticate: Bearer}, a too weak role a 403 naming the role needed, both
 *       as RFC 9457 problem details. Without tokens every request passes as {@code anonymous}.</li>
 *   <li>Every request other than GET/HEAD (refused ones too) becomes one AuditRecord: principal, method, path,
 *       status. Tokens are never logged or recorded; the principal is.</li>
 * </ul>
 * The authenticated principal is the request's {@link HttpServletRequest#getUserPrincipal()}.
 */
public class ApiAccessFilter extends OncePerRequestFilter implements Ordered {

    /** Unauthenticated API: the name recorded for callers. */
    public static final String ANONYMOUS = "anonymous";
    private static final Logger log = LoggerFactory.getLogger(ApiAccessFilter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BEARER = "bearer ";

    private final @Nullable ApiTokens tokens;
    private final List<String> adminPaths;
    private final List<String> openPaths;
    private final @Nullable Consumer<AuditRecord> audit;
    private final Clock clock;
    private final AntPathMatcher paths = new AntPathMatcher();

    /**
     * @param tokens null for an unauthenticated API
     * @param audit  where audit records go; null for no audit trail
     */
    public ApiAccessFilter(@Nullable ApiTokens tokens, List<String> adminPaths, List<String> openPaths,
                           @Nullable Consumer<AuditRecord> audit, Clock clock) {
        this.tokens = tokens;
        this.adminPaths = List.copyOf(adminPaths);
        this.openPaths = List.copyOf(openPaths);
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public int getOrder() {
        // Before anything that reads the body or dispatches.
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = path(request);
        if (matchesAny(openPaths, path)) {
            chain.doFilter(request, response);
            return;
        }
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        boolean mutating = !method.equals("GET") && !method.equals("HEAD");
        ApiRole needed = !mutating ? ApiRole.VIEWER : matchesAny(adminPaths, path) ? ApiRole.ADMIN : ApiRole.OPERATOR;

        ApiPrincipal caller;
        if (tokens == null) {
            caller = new ApiPrincipal(ANONYMOUS, ApiRole.ADMIN);
        } else {
            Optional<String> token = bearerToken(request);
            Optional<ApiPrincipal> known = token.flatMap(tokens::principal);
            if (known.isEmpty()) {
                String why = token.isEmpty() ? "a bearer token is required" : "the bearer token is not valid";
                response.setHeader("WWW-Authenticate", token.isEmpty()
                        ? "Bearer realm=\"kvm-ha\""
                        : "Bearer realm=\"kvm-ha\", error=\"invalid_token\"");
                refuse(response, path, 401, "Unauthorized", why);
                log.warn("api denied method={} path={} status=401: {}", method, path, why);
                record(mutating, ANONYMOUS, null, method, path, 401, false);
                return;
            }
            caller = known.get();
            if (!caller.role().includes(needed)) {
                String why = method + " " + path + " needs the " + needed.label() + " role; principal "
                        + caller.name() + " has " + caller.role().label();
                response.setHeader("WWW-Authenticate", "Bearer realm=\"kvm-ha\", error=\"insufficient_scope\"");
                refuse(response, path, 403, "Forbidden", why);
                log.warn("api denied principal={} method={} path={} status=403: needs role {}", caller.name(), method,
                        path, needed.label());
                record(mutating, caller.name(), caller.role(), method, path, 403, false);
                return;
            }
        }
        int status = 500;
        try {
            chain.doFilter(new AuthenticatedRequest(request, caller), response);
            status = response.getStatus();
        } finally {
            record(mutating, caller.name(), tokens == null ? null : caller.role(), method, path, status, true);
        }
    }

    private void record(boolean mutating, String principal, @Nullable ApiRole role, String method, String path,
                        int status, boolean allowed) {
        if (!mutating || audit == null) {
            return;
        }
        try {
            audit.accept(AuditEntries.apiRequest(principal, role, method, path, status, allowed, clock.instant()));
        } catch (RuntimeException e) {
            log.warn("audit record of principal={} {} {} status={} not published: {}", principal, method, path, status,
                    e.toString());
        }
    }

    /**
     * The path as the container resolved it (decoded, dot-segments and {@code ;params} removed), not the raw URI:
     * {@code /api/v1/hosts/h1/f%65nce} or {@code /api/v1/hosts/h1/fence;x=1} reach the fence endpoint, so they must
     * also meet its admin rule, and {@code /actuator/health/../../api/v1/vms} is not an open path.
     */
    static String path(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.isEmpty() ? request.getRequestURI().substring(request.getContextPath().length()) : path;
    }

    private boolean matchesAny(List<String> patterns, String path) {
        return patterns.stream().anyMatch(p -> paths.match(p, path));
    }

    private static Optional<String> bearerToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = header.substring(BEARER.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static void refuse(HttpServletResponse response, String path, int status, String title, String detail)
            throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", path);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getOutputStream().write(JSON.writeValueAsBytes(problem));
    }

    /** The request as the API sees it: with the caller as its principal. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final ApiPrincipal caller;

        AuthenticatedRequest(HttpServletRequest request, ApiPrincipal caller) {
            super(request);
            this.caller = caller;
        }

        @Override
        public Principal getUserPrincipal() {
            return caller::name;
        }

        @Override
        public String getRemoteUser() {
            return caller.name();
        }

        @Override
        public boolean isUserInRole(String role) {
            try {
                return caller.role().includes(ApiRole.valueOf(role.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
