package io.cellhub.web;

import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.snapshot.SnapshotModel.Detail;
import io.cellhub.snapshot.SnapshotModel.Diff;
import io.cellhub.snapshot.SnapshotModel.Summary;
import io.cellhub.snapshot.SnapshotModel.Trigger;
import io.cellhub.snapshot.SnapshotService;
import io.cellhub.topic.TopicFilter;
import io.smallrye.common.annotation.Blocking;

@Path("/api/snapshots")
@Produces(MediaType.APPLICATION_JSON)
public class SnapshotResource {

    /** What to label a snapshot with; the body may be empty. */
    public record TakeRequest(String label) {
    }

    public record Restored(int restored) {
    }

    private final SnapshotService snapshots;

    public SnapshotResource(SnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Take a snapshot of every topic's last message, CellHub's MQTT session and the rules' state")
    public Response take(TakeRequest request) throws SQLException {
        Summary taken = snapshots.take(Trigger.manual, request == null ? null : request.label());
        return Response.created(URI.create("/api/snapshots/" + taken.id())).entity(taken).build();
    }

    @GET
    @Operation(summary = "Snapshots, newest first")
    public List<Summary> list() throws SQLException {
        return snapshots.list();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One snapshot with its session, rules and entries (filtered by an MQTT filter)")
    public Detail get(@PathParam("id") long id, @QueryParam("filter") @DefaultValue("#") String filter) throws SQLException {
        return snapshots.get(id, TopicFilter.parse(filter)).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("{from}/diff/{to}")
    @Operation(summary = "Topics added, removed and changed from one snapshot to another")
    public Diff diff(@PathParam("from") long from, @PathParam("to") long to) throws SQLException {
        return snapshots.diff(from, to).orElseThrow(() -> new NotFoundException(
                "Snapshot " + from + " or " + to + " does not exist. GET /api/snapshots lists them."));
    }

    @POST
    @Path("{id}/restore")
    @Blocking
    @Operation(summary = "Republish the snapshot's retained entries as retained")
    public CompletionStage<Restored> restore(@PathParam("id") long id, @QueryParam("filter") @DefaultValue("#") String filter)
            throws SQLException {
        return snapshots.restore(id, TopicFilter.parse(filter)).orElseThrow(() -> notFound(id)).thenApply(Restored::new);
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("Snapshot " + id + " does not exist. GET /api/snapshots lists them.");
    }
}
