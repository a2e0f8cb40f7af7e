package io.cellhub.dashboard;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.cluster.ClusterNode;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /}: one card per robot cell, the cylinder chains, the live counters and, in cluster mode, the cluster. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class CellsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance cells(List<CellCard> cells, List<ChainCard> chains, List<String> readings,
                CellCard blank, Counters counters, ClusterPanel cluster);
    }

    private final CellBoard board;
    private final DashboardCounters counters;
    private final ClusterNode cluster;

    public CellsPage(CellBoard board, DashboardCounters counters, ClusterNode cluster) {
        this.board = board;
        this.counters = counters;
        this.cluster = cluster;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance cells() {
        return Templates.cells(board.cells(), board.chains(), board.readingSuffixes(), board.blank(),
                counters.now(), ClusterPanel.of(cluster.status()));
    }
}
