package io.cellhub.web;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import io.cellhub.publish.MqttPublisher;
import io.cellhub.publish.OutgoingMessage;
import io.cellhub.retained.RetainedMessage;
import io.cellhub.retained.RetainedMirror;
import io.cellhub.retained.RetainedRestore;
import io.cellhub.topic.Payload;
import io.cellhub.topic.PayloadText;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicName;
import io.smallrye.common.annotation.Blocking;

@Path("/api/retained")
@Produces(MediaType.APPLICATION_JSON)
public class RetainedResource {

    public static final int DEFAULT_LIMIT = 1_000;
    public static final int MAX_LIMIT = 10_000;

    /** A retained message as the mirror holds it. */
    public record RetainedView(String topic, String payload, String payloadBase64, int qos, Instant updatedAt) {
    }

    public record Restored(int restored) {
    }

    private final RetainedMirror mirror;
    private final MqttPublisher publisher;
    private final RetainedRestore retainedRestore;

    public RetainedResource(RetainedMirror mirror, MqttPublisher publisher, RetainedRestore retainedRestore) {
        this.mirror = mirror;
        this.publisher = publisher;
        this.retainedRestore = retainedRestore;
    }

    @GET
    @Operation(summary = "The retained messages the broker holds, from CellHub's durable mirror, one page at a time",
            description = "At most `limit` messages (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + "), sorted by "
                    + "topic; the next page's URL is in the `Link` header.")
    @APIResponse(responseCode = "200", description = "The page", headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<List<RetainedView>> list(
            @Parameter(description = "MQTT 3.1.1 topic filter", example = "robotcell1/#")
            @QueryParam("filter") @DefaultValue("#") String filter,
            @Parameter(description = "Most messages on this page (1 to " + MAX_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + DEFAULT_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; the last topic of the previous page")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) throws SQLException {
        TopicFilter parsed = TopicFilter.parse(filter);
        int size = Paging.limit(limit, MAX_LIMIT);
        mirror.flush();
        Paging.Slice<RetainedMessage> slice = Paging.Slice.of(mirror.list(parsed, Paging.cursor(cursor), size + 1), size);
        return Paging.page(slice.items().stream().map(RetainedResource::view).toList(),
                slice.hasMore() ? slice.last().topic : null, uri);
    }

    @DELETE
    @Path("{topic: .+}")
    @Operation(summary = "Clear a retained message on the broker (zero-length retained publish) and in the mirror")
    public CompletionStage<Response> clear(@PathParam("topic") String topic) {
        TopicName.requireValid(topic);
        return publisher.publish(new OutgoingMessage(topic, Payload.EMPTY, 1, true))
                .thenApply(done -> Response.noContent().build());
    }

    @POST
    @Path("restore")
    @Blocking
    @Operation(summary = "Republish every mirrored retained message the broker lacks or holds differently")
    public CompletionStage<Restored> restore(@QueryParam("filter") @DefaultValue("#") String filter) {
        return retainedRestore.restore(TopicFilter.parse(filter)).thenApply(Restored::new);
    }

    public static RetainedView view(RetainedMessage row) {
        Payload payload = Payload.copyOf(row.payload);
        return new RetainedView(row.topic, PayloadText.text(payload), PayloadText.base64(payload), row.qos, row.updatedAt);
    }
}
