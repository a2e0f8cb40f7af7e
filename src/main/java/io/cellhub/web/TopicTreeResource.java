package io.cellhub.web;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;

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
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

import io.cellhub.retained.RetainedMirror;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.NumberReading;
import io.cellhub.topic.TopicBranch;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicLevel;

/**
 * {@code GET /api/tree}: the topic tree one level at a time, as MQTT Explorer shows it. Not under
 * {@code /api/topics/}, where it would hide a topic named {@code tree}.
 */
@Path("/api/tree")
@Produces(MediaType.APPLICATION_JSON)
public class TopicTreeResource {

    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 1_000;

    private static final Logger LOG = Logger.getLogger(TopicTreeResource.class);

    private final LiveTopics topics;
    private final NumberReading reading;
    private final RetainedMirror mirror;

    public TopicTreeResource(LiveTopics topics, NumberReading reading, RetainedMirror mirror) {
        this.topics = topics;
        this.reading = reading;
        this.mirror = mirror;
    }

    @GET
    @Operation(summary = "One level of the topic tree: the children of a prefix with their child, topic and message counts",
            description = "Children in natural order, at most `limit` (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT
                    + "). With a filter, only children holding matching topics are listed and every count covers only "
                    + "matching topics. Fast at any size: it reads an index of the levels, not every topic.")
    @APIResponse(responseCode = "200", description = "The page of the level",
            headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<TopicLevelView> level(
            @Parameter(description = "The level to list: a topic prefix such as 'plant1/line3'; absent for the top level. "
                    + "'prefix=' (empty) is the level below a topic's empty first level, as in '/a'")
            @QueryParam("prefix") String prefix,
            @Parameter(description = "MQTT 3.1.1 topic filter the counted topics must match", example = "robotcell1/#")
            @QueryParam("filter") @DefaultValue("#") String filter,
            @Parameter(description = "Most children on this page (1 to " + MAX_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + DEFAULT_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; the name of the last child of the previous page (an empty name is a name)")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        TopicFilter parsed = TopicFilter.parse(filter);
        TopicLevel page = topics.level(prefix, parsed, cursor, Paging.limit(limit, MAX_LIMIT));
        TopicLevelView level = TopicLevelView.of(prefix, filter, page, reading, retained(page));
        return Paging.withLink(RestResponse.ResponseBuilder.ok(level), level.next(), uri).build();
    }

    /** The page's topics the broker holds retained; without the database the page still answers, without marks. */
    private Set<String> retained(TopicLevel page) {
        List<String> shown = page.branches().stream().filter(branch -> branch.snapshot() != null).map(TopicBranch::path)
                .toList();
        try {
            return mirror.heldAmong(shown);
        } catch (SQLException e) {
            LOG.debugf("Retained mirror unavailable for the tree: %s", e.getMessage());
            return Set.of();
        }
    }
}
