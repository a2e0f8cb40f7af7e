package io.cellhub.dashboard;

import java.sql.SQLException;
import java.util.List;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.retained.RetainedMessage;
import io.cellhub.retained.RetainedMirror;
import io.cellhub.topic.TopicFilter;
import io.cellhub.web.Paging;
import io.cellhub.web.RetainedResource;
import io.cellhub.web.RetainedResource.RetainedView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /retained}: the retained messages from the mirror, a page at a time, with clear and restore. */
@Path("/retained")
@Produces(MediaType.TEXT_HTML)
public class RetainedPage {

    static final int ROWS = 100;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance retained(String filter, List<RetainedView> messages, PageLinks pages, Counters counters);
    }

    private final RetainedMirror mirror;
    private final DashboardCounters counters;

    public RetainedPage(RetainedMirror mirror, DashboardCounters counters) {
        this.mirror = mirror;
        this.counters = counters;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance retained(@QueryParam("filter") @DefaultValue("#") String filter,
            @QueryParam("cursor") String cursor) throws SQLException {
        TopicFilter parsed = TopicFilter.parse(filter);
        String after = Paging.cursor(cursor);
        mirror.flush();
        Paging.Slice<RetainedMessage> slice = Paging.Slice.of(mirror.list(parsed, after, ROWS + 1), ROWS);
        PageLinks pages = PageLinks.of("/retained", "filter=" + PageLinks.encode(filter), after == null,
                slice.hasMore() ? slice.last().topic : null, slice.items().size());
        return Templates.retained(filter, slice.items().stream().map(RetainedResource::view).toList(), pages, counters.now());
    }
}
