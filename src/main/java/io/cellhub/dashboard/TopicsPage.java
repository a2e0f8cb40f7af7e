package io.cellhub.dashboard;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicName;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /topics}: the live topic tree; {@code /topics/{topic}}: one topic's plot, messages and publish form. */
@Path("/topics")
@Produces(MediaType.TEXT_HTML)
public class TopicsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance tree(String filter, Counters counters);

        static native TemplateInstance topic(TopicPageModel page, Counters counters);
    }

    private final TopicHistory history;
    private final DashboardCounters counters;

    public TopicsPage(TopicHistory history, DashboardCounters counters) {
        this.history = history;
        this.counters = counters;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance tree(@QueryParam("filter") @DefaultValue("#") String filter) {
        TopicFilter.parse(filter);
        return Templates.tree(filter, counters.now());
    }

    @GET
    @Path("{topic: .+}")
    @Operation(hidden = true)
    public TemplateInstance topic(@PathParam("topic") String topic) {
        TopicName.requireValid(topic);
        return Templates.topic(history.page(topic), counters.now());
    }
}
