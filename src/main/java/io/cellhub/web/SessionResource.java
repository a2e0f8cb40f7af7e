package io.cellhub.web;

import java.util.List;

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

import io.cellhub.device.DeviceSessions;
import io.cellhub.device.DeviceSessions.DeviceSession;

@Path("/api/sessions")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    public static final int DEFAULT_LIMIT = 1_000;
    public static final int MAX_LIMIT = 10_000;

    private final DeviceSessions sessions;

    public SessionResource(DeviceSessions sessions) {
        this.sessions = sessions;
    }

    @GET
    @Operation(summary = "Devices with their online state, connection times, subscriptions and message counts, by id",
            description = "At most `limit` devices (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + "); the next page's "
                    + "URL is in the `Link` header.")
    @APIResponse(responseCode = "200", description = "The page", headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<List<DeviceSession>> list(
            @Parameter(description = "Most devices on this page (1 to " + MAX_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + DEFAULT_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; the last device id of the previous page")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        Paging.Slice<DeviceSession> slice = page(Paging.cursor(cursor), Paging.limit(limit, MAX_LIMIT));
        return Paging.page(slice.items(), slice.hasMore() ? slice.last().id() : null, uri);
    }

    /** The devices after {@code after} in id order; the Sessions page reads the same pages. */
    public Paging.Slice<DeviceSession> page(String after, int limit) {
        List<DeviceSession> all = sessions.list();
        int from = 0;
        if (after != null) {
            while (from < all.size() && all.get(from).id().compareTo(after) <= 0) {
                from++;
            }
        }
        return Paging.Slice.of(all.subList(from, Math.min(all.size(), from + limit + 1)), limit);
    }
}
