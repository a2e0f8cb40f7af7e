package io.cellhub.dashboard;

import java.sql.SQLException;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.snapshot.SnapshotModel.Summary;
import io.cellhub.snapshot.SnapshotService;
import io.cellhub.web.Paging;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /snapshots}: take, list (a page at a time), compare (a page of the diff at a time) and restore snapshots. */
@Path("/snapshots")
@Produces(MediaType.TEXT_HTML)
public class SnapshotsPage {

    static final int ROWS = 100;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance snapshots(List<Summary> snapshots, PageLinks pages, Counters counters);
    }

    private final SnapshotService snapshots;
    private final DashboardCounters counters;

    public SnapshotsPage(SnapshotService snapshots, DashboardCounters counters) {
        this.snapshots = snapshots;
        this.counters = counters;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance snapshots(@QueryParam("cursor") String cursor) throws SQLException {
        String after = Paging.cursor(cursor);
        Long before;
        try {
            before = after == null ? null : Long.valueOf(after);
        } catch (NumberFormatException e) {
            throw new jakarta.ws.rs.BadRequestException("'cursor' must be a snapshot id, was '" + after + "'.");
        }
        Paging.Slice<Summary> slice = Paging.Slice.of(snapshots.list(before, ROWS + 1), ROWS);
        PageLinks pages = PageLinks.of("/snapshots", "", after == null,
                slice.hasMore() ? String.valueOf(slice.last().id()) : null, slice.items().size());
        return Templates.snapshots(slice.items(), pages, counters.now());
    }
}
