package io.cellhub.dashboard;

import java.util.List;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.store.RetainedMirror;
import io.cellhub.topic.TopicFilter;
import io.cellhub.web.RetainedResource.RetainedView;
import io.cellhub.web.RetainedResource;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /retained}: the retained messages from the mirror, with clear and restore. */
@Path("/retained")
@Produces(MediaType.TEXT_HTML)
public class RetainedPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance retained(String filter, List<RetainedView> messages, Counters counters);
    }

    private final RetainedMirror mirror;
    private final DashboardCounters counters;

    public RetainedPage(RetainedMirror mirror, DashboardCounters counters) {
        this.mirror = mirror;
        this.counters = counters;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance retained(@QueryParam("filter") @DefaultValue("#") String filter) {
        TopicFilter parsed = TopicFilter.parse(filter);
        mirror.flush();
        return Templates.retained(filter, mirror.list(parsed).stream().map(RetainedResource::view).toList(), counters.now());
    }
}
