package io.cellhub.dashboard;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.cluster.ClusterNode;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * {@code /}: the fleet summary, then one page of cell cards (searchable, in three orders), the rules'
 * last outputs, the cylinder chains, the live counters and, in cluster mode, the cluster. The page's script turns pages, searches
 * and sorts in place through {@code /api/cells}.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class CellsPage {

    /**
     * What the toolbar shows and the script starts from; {@code nextHref} is null on the last page,
     * {@code staleAfter} is {@code cellhub.dashboard.stale-after} as people read it ({@code 30 s}).
     */
    public record Query(String search, String sort, String cursor, int limit, String nextHref, long staleAfterMillis) {

        public String staleAfter() {
            long seconds = staleAfterMillis / 1000;
            return seconds >= 120 && seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance cells(FleetSummary summary, CellPage page, Query query, List<String> readings,
                CellCard blank, Counters counters, ClusterPanel cluster);
    }

    private final FleetView fleet;
    private final CellsResource cells;
    private final CellBoard board;
    private final DashboardCounters counters;
    private final DashboardConfig config;
    private final ClusterNode cluster;

    public CellsPage(FleetView fleet, CellsResource cells, CellBoard board, DashboardCounters counters, DashboardConfig config,
            ClusterNode cluster) {
        this.fleet = fleet;
        this.cells = cells;
        this.board = board;
        this.counters = counters;
        this.config = config;
        this.cluster = cluster;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance cells(@QueryParam("search") String search, @QueryParam("sort") String sort,
            @QueryParam("cursor") String cursor) {
        CellPage page = cells.page(search, sort, cursor, null);
        String order = CellOrder.parse(sort).name();
        String text = search == null ? "" : search;
        Query query = new Query(text, order, cursor == null ? "" : cursor, config.cardsPerPage(), page.next() == null ? null
                : "/?search=" + PageLinks.encode(text) + "&sort=" + order + "&cursor=" + PageLinks.encode(page.next()),
                config.staleAfter().toMillis());
        return Templates.cells(fleet.summary(), page, query, board.readingSuffixes(), board.blank(), counters.now(),
                ClusterPanel.of(cluster.status()));
    }
}
