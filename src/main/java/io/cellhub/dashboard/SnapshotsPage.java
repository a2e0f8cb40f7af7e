package io.cellhub.dashboard;

import java.sql.SQLException;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.snapshot.SnapshotModel.Summary;
import io.cellhub.snapshot.SnapshotService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /snapshots}: take, list, compare and restore snapshots. */
@Path("/snapshots")
@Produces(MediaType.TEXT_HTML)
public class SnapshotsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance snapshots(List<Summary> snapshots, Counters counters);
    }

    private final SnapshotService snapshots;
    private final DashboardCounters counters;

    public SnapshotsPage(SnapshotService snapshots, DashboardCounters counters) {
        this.snapshots = snapshots;
        this.counters = counters;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance snapshots() throws SQLException {
        return Templates.snapshots(snapshots.list(), counters.now());
    }
}
