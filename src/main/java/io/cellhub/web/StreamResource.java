package io.cellhub.web;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.stream.StreamClientView;
import io.cellhub.stream.TopicStream;

/** The clients of {@code GET /api/stream} (a Vert.x route, documented in docs/OPERATIONS.md). */
@Path("/api/stream/clients")
@Produces(MediaType.APPLICATION_JSON)
public class StreamResource {

    private final TopicStream stream;

    public StreamResource(TopicStream stream) {
        this.stream = stream;
    }

    @GET
    @Operation(summary = "Connected live-stream clients with their filter and how many events each was sent or dropped")
    public List<StreamClientView> clients() {
        return stream.clients();
    }
}
