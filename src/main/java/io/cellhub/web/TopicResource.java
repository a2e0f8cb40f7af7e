package io.cellhub.web;

import java.util.List;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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

import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.NumberReading;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicSnapshot;

@Path("/api/topics")
@Produces(MediaType.APPLICATION_JSON)
public class TopicResource {

    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 10_000;

    private final LiveTopics topics;
    private final NumberReading reading;

    public TopicResource(LiveTopics topics, NumberReading reading) {
        this.topics = topics;
        this.reading = reading;
    }

    @GET
    @Operation(summary = "Last message of the topics matching an MQTT filter, sorted by topic, one page at a time",
            description = "At most `limit` topics (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + "); the next page's "
                    + "URL is in the `Link` header. `GET /api/tree` reads the same topics one level at a time.")
    @APIResponse(responseCode = "200", description = "The page, sorted by topic",
            headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<List<TopicView>> list(
            @Parameter(description = "MQTT 3.1.1 topic filter; '+' matches one level, '#' the rest", example = "robotcell1/#")
            @QueryParam("filter") @DefaultValue("#") String filter,
            @Parameter(description = "Most topics on this page (1 to " + MAX_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + DEFAULT_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; the last topic of the previous page")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        TopicFilter parsed = TopicFilter.parse(filter);
        int size = Paging.limit(limit, MAX_LIMIT);
        Paging.Slice<TopicSnapshot> slice = Paging.Slice.of(topics.page(parsed, Paging.cursor(cursor), size + 1), size);
        return Paging.page(slice.items().stream().map(snapshot -> TopicView.of(snapshot, reading)).toList(),
                slice.hasMore() ? slice.last().topic() : null, uri);
    }

    @GET
    @Path("{topic: .+}")
    @Operation(summary = "One topic with its recent history; the topic may be URL-encoded or written with plain slashes")
    public TopicDetail get(@PathParam("topic") String topic) {
        return topics.get(topic)
                .map(snapshot -> TopicDetail.of(snapshot, topics.history(topic), reading))
                .orElseThrow(() -> new NotFoundException("No message has been seen on topic '" + topic
                        + "'. GET /api/topics lists the known topics."));
    }
}
