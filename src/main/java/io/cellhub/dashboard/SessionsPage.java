package io.cellhub.dashboard;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.device.DeviceSessions.DeviceSession;
import io.cellhub.web.Paging;
import io.cellhub.web.SessionResource;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /sessions}: the devices CellHub has seen, by id, a page at a time. */
@Path("/sessions")
@Produces(MediaType.TEXT_HTML)
public class SessionsPage {

    static final int ROWS = 100;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance sessions(List<DeviceSession> sessions, PageLinks pages, Counters counters);
    }

    private final SessionResource sessions;
    private final DashboardCounters counters;

    public SessionsPage(SessionResource sessions, DashboardCounters counters) {
        this.sessions = sessions;
        this.counters = counters;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance sessions(@QueryParam("cursor") String cursor) {
        String after = Paging.cursor(cursor);
        Paging.Slice<DeviceSession> slice = sessions.page(after, ROWS);
        PageLinks pages = PageLinks.of("/sessions", "", after == null, slice.hasMore() ? slice.last().id() : null,
                slice.items().size());
        return Templates.sessions(slice.items(), pages, counters.now());
    }
}
