package io.cellhub.dashboard;

import jakarta.ws.rs.BadRequestException;
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

import io.cellhub.web.Paging;

/** {@code /api/cells}: the fleet as the Cells page shows it, a summary and pages of cell cards. */
@Path("/api/cells")
@Produces(MediaType.APPLICATION_JSON)
public class CellsResource {

    static final int MAX_LIMIT = 200;

    private final FleetView fleet;
    private final DashboardConfig config;

    public CellsResource(FleetView fleet, DashboardConfig config) {
        this.fleet = fleet;
        this.config = config;
    }

    @GET
    @Operation(summary = "One page of cell cards: the cells whose name contains `search`, in the order asked for",
            description = "At most `limit` cards (default `cellhub.dashboard.cards-per-page`, 24; at most " + MAX_LIMIT
                    + "); `next` (and the `Link` header) continues. `total` counts every matching cell.")
    @APIResponse(responseCode = "200", description = "The page", headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<CellPage> page(
            @Parameter(description = "Part of a cell's name, in any case") @QueryParam("search") String search,
            @Parameter(description = "`name` (natural order), `lastSeen` (newest first) or `alarm` (offline, stale, "
                    + "without status, then online)") @QueryParam("sort") String sort,
            @Parameter(description = "Most cards on this page (1 to " + MAX_LIMIT + ")") @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        CellPage page = page(search, sort, cursor, limit);
        return Paging.withLink(RestResponse.ResponseBuilder.ok(page), page.next(), uri).build();
    }

    @GET
    @Path("summary")
    @Operation(summary = "The fleet at a glance: cells online, stale, offline and without status; the rules and chains")
    public FleetSummary summary() {
        return fleet.summary();
    }

    /** The page the Cells page renders first, read the same way. */
    CellPage page(String search, String sort, String cursor, Integer limit) {
        int size = Paging.limit(limit == null ? config.cardsPerPage() : limit, MAX_LIMIT);
        try {
            return fleet.page(search, CellOrder.parse(sort), Paging.cursor(cursor), size);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
