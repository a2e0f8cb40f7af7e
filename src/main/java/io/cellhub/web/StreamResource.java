package io.cellhub.web;

import java.util.List;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import io.cellhub.stream.StreamClientView;
import io.cellhub.stream.TopicStream;

/** The clients of {@code GET /api/stream} (a Vert.x route, documented in docs/OPERATIONS.md). */
@Path("/api/stream/clients")
@Produces(MediaType.APPLICATION_JSON)
public class StreamResource {

    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 1_000;

    private final TopicStream stream;

    public StreamResource(TopicStream stream) {
        this.stream = stream;
    }

    @GET
    @Operation(summary = "Connected live-stream clients with their filters and how many events each was sent or dropped",
            description = "At most `limit` clients (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + ") by id; the next "
                    + "page's URL is in the `Link` header.")
    @APIResponse(responseCode = "200", description = "The page", headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<List<StreamClientView>> clients(
            @Parameter(description = "Most clients on this page (1 to " + MAX_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + DEFAULT_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; the id of the last client of the previous page")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        int size = Paging.limit(limit, MAX_LIMIT);
        long after = after(Paging.cursor(cursor));
        Paging.Slice<StreamClientView> slice = Paging.Slice.of(
                stream.clients().stream().filter(client -> client.id() > after).limit(size + 1L).toList(), size);
        return Paging.page(slice.items(), slice.hasMore() ? String.valueOf(slice.last().id()) : null, uri);
    }

    private static long after(String cursor) {
        if (cursor == null) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new BadRequestException("'cursor' must be a client id such as 12, was '" + cursor + "'.");
        }
    }
}
