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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import io.cellhub.snapshot.SnapshotModel.Detail;
import io.cellhub.snapshot.SnapshotModel.Diff;
import io.cellhub.snapshot.SnapshotModel.Entry;
import io.cellhub.snapshot.SnapshotModel.Summary;
import io.cellhub.snapshot.SnapshotModel.Trigger;
import io.cellhub.snapshot.SnapshotService;
import io.cellhub.topic.TopicFilter;
import io.smallrye.common.annotation.Blocking;

@Path("/api/snapshots")
@Produces(MediaType.APPLICATION_JSON)
public class SnapshotResource {

    public static final int LIST_LIMIT = 100;
    public static final int MAX_LIST_LIMIT = 1_000;
    public static final int ENTRY_LIMIT = 1_000;
    public static final int MAX_ENTRY_LIMIT = 10_000;

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
    @Operation(summary = "Snapshots, newest first, one page at a time",
            description = "At most `limit` snapshots (default " + LIST_LIMIT + ", at most " + MAX_LIST_LIMIT + "); the next "
                    + "page's URL is in the `Link` header.")
    @APIResponse(responseCode = "200", description = "The page", headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<List<Summary>> list(
            @Parameter(description = "Most snapshots on this page (1 to " + MAX_LIST_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + LIST_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; the id of the last snapshot of the previous page")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) throws SQLException {
        int size = Paging.limit(limit, MAX_LIST_LIMIT);
        Paging.Slice<Summary> slice = Paging.Slice.of(snapshots.list(id("cursor", Paging.cursor(cursor)), size + 1), size);
        return Paging.page(slice.items(), slice.hasMore() ? String.valueOf(slice.last().id()) : null, uri);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One snapshot with its session, rules and one page of its entries (filtered by an MQTT filter)",
            description = "At most `limit` entries (default " + ENTRY_LIMIT + ", at most " + MAX_ENTRY_LIMIT + "), sorted by "
                    + "topic; the next page's URL is in the `Link` header.")
    @APIResponse(responseCode = "200", description = "The snapshot with a page of its entries",
            headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<Detail> get(@PathParam("id") long id, @QueryParam("filter") @DefaultValue("#") String filter,
            @Parameter(description = "Most entries on this page (1 to " + MAX_ENTRY_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + ENTRY_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; the last topic of the previous page")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) throws SQLException {
        int size = Paging.limit(limit, MAX_ENTRY_LIMIT);
        Detail detail = snapshots.get(id, TopicFilter.parse(filter), Paging.cursor(cursor), size + 1)
                .orElseThrow(() -> notFound(id));
        Paging.Slice<Entry> entries = Paging.Slice.of(detail.entries(), size);
        Detail page = new Detail(detail.id(), detail.takenAt(), detail.label(), detail.trigger(), detail.topics(),
                detail.session(), detail.rules(), entries.items());
        return Paging.withLink(RestResponse.ResponseBuilder.ok(page), entries.hasMore() ? entries.last().topic() : null, uri)
                .build();
    }

    @GET
    @Path("{from}/diff/{to}")
    @Operation(summary = "Topics added, removed and changed from one snapshot to another, one page at a time",
            description = "At most `limit` topics (default " + ENTRY_LIMIT + ", at most " + MAX_ENTRY_LIMIT + ") in topic "
                    + "order, split into the three lists; `next` (and the `Link` header) continues.")
    @APIResponse(responseCode = "200", description = "The page of the diff",
            headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<Diff> diff(@PathParam("from") long from, @PathParam("to") long to,
            @Parameter(description = "Most topics on this page (1 to " + MAX_ENTRY_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + ENTRY_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; the last topic of the previous page")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) throws SQLException {
        Diff diff = snapshots.diff(from, to, Paging.cursor(cursor), Paging.limit(limit, MAX_ENTRY_LIMIT))
                .orElseThrow(() -> new NotFoundException(
                        "Snapshot " + from + " or " + to + " does not exist. GET /api/snapshots lists them."));
        return Paging.withLink(RestResponse.ResponseBuilder.ok(diff), diff.next(), uri).build();
    }

    @POST
    @Path("{id}/restore")
    @Blocking
    @Operation(summary = "Republish the snapshot's retained entries as retained")
    public CompletionStage<Restored> restore(@PathParam("id") long id, @QueryParam("filter") @DefaultValue("#") String filter)
            throws SQLException {
        return snapshots.restore(id, TopicFilter.parse(filter)).orElseThrow(() -> notFound(id)).thenApply(Restored::new);
    }

    private static Long id(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new jakarta.ws.rs.BadRequestException("'" + name + "' must be a snapshot id such as 12, was '" + value
                    + "'. Pass back the cursor of the previous page.");
        }
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("Snapshot " + id + " does not exist. GET /api/snapshots lists them.");
    }
}
