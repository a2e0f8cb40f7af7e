package io.cellhub.dashboard;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.store.DeviceSessions.DeviceSession;
import io.cellhub.store.DeviceSessions;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /sessions}: the devices CellHub has seen, online first. */
@Path("/sessions")
@Produces(MediaType.TEXT_HTML)
public class SessionsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance sessions(List<DeviceSession> sessions, Counters counters);
    }

    private final DeviceSessions sessions;
    private final DashboardCounters counters;

    public SessionsPage(DeviceSessions sessions, DashboardCounters counters) {
        this.sessions = sessions;
        this.counters = counters;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance sessions() {
        return Templates.sessions(sessions.list(), counters.now());
    }
}
