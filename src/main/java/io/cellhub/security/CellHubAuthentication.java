package io.cellhub.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.PasswordCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * One mechanism for both kinds of client: scripts send HTTP Basic, browsers the session cookie set at
 * {@code /login}. Unauthenticated API calls get 401 with a Basic challenge, pages a redirect to the
 * login form. A cookie never authenticates a write coming from another site (checked with
 * {@code Sec-Fetch-Site} and {@code Origin}), which with the {@code SameSite=Strict} cookie keeps the
 * JSON API safe from cross-site request forgery.
 */
@ApplicationScoped
public class CellHubAuthentication implements HttpAuthenticationMechanism {

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final SessionCookies sessions;
    private final SecurityConfig config;

    public CellHubAuthentication(SessionCookies sessions, SecurityConfig config) {
        this.sessions = sessions;
        this.config = config;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!config.enabled()) {
            return Uni.createFrom().nullItem();
        }
        String authorization = context.request().getHeader(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Uni.createFrom().failure(new AuthenticationFailedException("Malformed Basic credentials"));
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return Uni.createFrom().failure(new AuthenticationFailedException("Malformed Basic credentials"));
            }
            return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(new UsernamePasswordAuthenticationRequest(
                    decoded.substring(0, colon), new PasswordCredential(decoded.substring(colon + 1).toCharArray())), context));
        }
        Cookie cookie = context.request().getCookie(SessionCookies.NAME);
        if (cookie == null || (!SAFE.contains(context.request().method()) && crossSite(context))) {
            return Uni.createFrom().nullItem();
        }
        return sessions.verify(cookie.getValue())
                .map(user -> identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                        new TrustedAuthenticationRequest(user), context)))
                .orElseGet(() -> Uni.createFrom().nullItem());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.startsWith("/api/") || path.startsWith("/q/")) {
            return Uni.createFrom().item(new ChallengeData(401, HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"CellHub\""));
        }
        String next = context.request().uri();
        return Uni.createFrom().item(new ChallengeData(302, HttpHeaderNames.LOCATION,
                "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(UsernamePasswordAuthenticationRequest.class, TrustedAuthenticationRequest.class);
    }

    /** True when the browser says the request comes from a page of another site. */
    static boolean crossSite(RoutingContext context) {
        String site = context.request().getHeader("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = context.request().getHeader(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return false;
        }
        String host = context.request().getHeader(HttpHeaderNames.HOST);
        return host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host));
    }
}
