package io.cellhub.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code /login} and {@code /logout} for browsers. The form carries a CSRF token that must equal the
 * one in a {@code SameSite=Strict} cookie set with the form (double submit), so another site cannot log
 * a browser in. A successful login sets the {@link SessionCookies session cookie}; scripts use HTTP
 * Basic instead.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class LoginPage {

    private static final Logger LOG = Logger.getLogger(LoginPage.class);

    static final String CSRF_COOKIE = "cellhub-login-csrf";
    static final String CSRF_FIELD = "csrf-token";
    private static final SecureRandom RANDOM = new SecureRandom();

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(String next, String error, String csrf);
    }

    private final UserDirectory users;
    private final SessionCookies sessions;
    private final CookieSecure cookieSecure;

    public LoginPage(UserDirectory users, SessionCookies sessions, SecurityConfig config) {
        this.users = users;
        this.sessions = sessions;
        this.cookieSecure = config.cookieSecure();
    }

    @GET
    @Path("login")
    @Operation(hidden = true)
    public Response form(@QueryParam("next") String next, @Context HttpServerRequest request) {
        return page(Response.Status.OK, next, null, secure(request));
    }

    @POST
    @Path("login")
    @Operation(hidden = true)
    public Response login(@FormParam("username") String username, @FormParam("password") String password,
            @FormParam("next") String next, @FormParam(CSRF_FIELD) String csrf, @CookieParam(CSRF_COOKIE) String expected,
            @Context HttpServerRequest request) {
        boolean secure = secure(request);
        if (csrf == null || expected == null
                || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            return page(Response.Status.BAD_REQUEST, next, "The login form has expired. Please log in again.", secure);
        }
        if (username == null || password == null || users.authenticate(username, password).isEmpty()) {
            LOG.infof("Failed dashboard login for '%s'", username);
            return page(Response.Status.UNAUTHORIZED, next, "Wrong username or password.", secure);
        }
        return Response.seeOther(URI.create(safeNext(next)))
                .cookie(cookie(sessions.issue(username), sessions.maxAgeSeconds(), secure)).build();
    }

    @POST
    @Path("logout")
    @Operation(hidden = true)
    public Response logout(@Context HttpServerRequest request) {
        return Response.seeOther(URI.create("/login")).cookie(cookie("", 0, secure(request))).build();
    }

    /**
     * Whether this request's cookies are {@code Secure}. Behind a proxy Quarkus trusts
     * ({@code quarkus.http.proxy.*}), the request's scheme is the one the proxy reports.
     */
    private boolean secure(HttpServerRequest request) {
        return cookieSecure.applies(request.isSSL() || "https".equalsIgnoreCase(request.scheme()));
    }

    /** The form with a fresh CSRF token, also set as a cookie that only this site's form posts carry. */
    private static Response page(Response.Status status, String next, String error, boolean secure) {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return Response.status(status).entity(Templates.login(safeNext(next), error, token))
                .cookie(new NewCookie.Builder(CSRF_COOKIE).value(token).path("/login").httpOnly(true).secure(secure)
                        .sameSite(NewCookie.SameSite.STRICT).maxAge(3600).build())
                .build();
    }

    private static NewCookie cookie(String value, long maxAge, boolean secure) {
        return new NewCookie.Builder(SessionCookies.NAME).value(value).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).maxAge((int) maxAge).build();
    }

    /** Only a path on this server, never another site: {@code /topics} yes, {@code //evil.example} no. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
            return "/";
        }
        return next;
    }
}
