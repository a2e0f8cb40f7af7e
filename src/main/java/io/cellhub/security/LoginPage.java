package io.cellhub.security;

import java.net.URI;

import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * {@code /login} and {@code /logout} for browsers. The form carries a CSRF token (quarkus-rest-csrf)
 * and a successful login sets the {@link SessionCookies session cookie}; scripts use HTTP Basic instead.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class LoginPage {

    private static final Logger LOG = Logger.getLogger(LoginPage.class);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(String next, String error);
    }

    private final UserDirectory users;
    private final SessionCookies sessions;

    public LoginPage(UserDirectory users, SessionCookies sessions) {
        this.users = users;
        this.sessions = sessions;
    }

    @GET
    @Path("login")
    @Operation(hidden = true)
    public TemplateInstance form(@QueryParam("next") String next) {
        return Templates.login(safeNext(next), null);
    }

    @POST
    @Path("login")
    @Operation(hidden = true)
    public Response login(@FormParam("username") String username, @FormParam("password") String password,
            @FormParam("next") String next) {
        if (username == null || password == null || users.authenticate(username, password).isEmpty()) {
            LOG.infof("Failed dashboard login for '%s'", username);
            return Response.status(Response.Status.UNAUTHORIZED)
                    .entity(Templates.login(safeNext(next), "Wrong username or password.")).build();
        }
        return Response.seeOther(URI.create(safeNext(next))).cookie(cookie(sessions.issue(username), sessions.maxAgeSeconds()))
                .build();
    }

    @POST
    @Path("logout")
    @Operation(hidden = true)
    public Response logout() {
        return Response.seeOther(URI.create("/login")).cookie(cookie("", 0)).build();
    }

    private static NewCookie cookie(String value, long maxAge) {
        return new NewCookie.Builder(SessionCookies.NAME).value(value).path("/").httpOnly(true)
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
