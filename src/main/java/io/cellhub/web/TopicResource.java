package io.cellhub.web;

import java.util.List;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.NumberReading;
import io.cellhub.topic.TopicFilter;

@Path("/api/topics")
@Produces(MediaType.APPLICATION_JSON)
public class TopicResource {

    private final LiveTopics topics;
    private final NumberReading reading;

    public TopicResource(LiveTopics topics, NumberReading reading) {
        this.topics = topics;
        this.reading = reading;
    }

    @GET
    @Operation(summary = "Last message of every topic matching an MQTT filter, sorted by topic")
    public List<TopicView> list(
            @Parameter(description = "MQTT 3.1.1 topic filter; '+' matches one level, '#' the rest", example = "robotcell1/#")
            @QueryParam("filter") @DefaultValue("#") String filter) {
        return topics.list(TopicFilter.parse(filter)).stream().map(snapshot -> TopicView.of(snapshot, reading)).toList();
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
