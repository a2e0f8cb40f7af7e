package io.cellhub.web;

import java.util.Base64;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.publish.MqttPublisher;
import io.cellhub.publish.OutgoingMessage;
import io.cellhub.publish.PublishRejectedException;
import io.cellhub.topic.Payload;
import io.cellhub.topic.RejectionReason;
import io.cellhub.topic.TrafficMetrics;

@Path("/api/publish")
public class PublishResource {

    private final MqttPublisher publisher;
    private final TrafficMetrics metrics;

    public PublishResource(MqttPublisher publisher, TrafficMetrics metrics) {
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** What a successful publish answers. */
    public record Published(String topic, int qos, boolean retain, int bytes) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish one MQTT message through CellHub's outgoing channel")
    public CompletionStage<Response> publish(PublishRequest request) {
        OutgoingMessage message = toMessage(request);
        return publisher.publish(message).thenApply(sent -> Response.accepted(
                new Published(message.topic(), message.qos(), message.retain(), message.payload().size())).build());
    }

    private OutgoingMessage toMessage(PublishRequest request) {
        if (request == null) {
            throw invalid("Send a JSON body such as {\"topic\": \"robotcell1/temperature1\", \"payload\": \"21.5\", \"qos\": 1, \"retain\": true}.");
        }
        if (request.payload() != null && request.payloadBase64() != null) {
            throw invalid("Give either 'payload' (text) or 'payloadBase64' (bytes), not both.");
        }
        Payload payload = Payload.EMPTY;
        if (request.payload() != null) {
            payload = Payload.ofText(request.payload());
        } else if (request.payloadBase64() != null) {
            try {
                payload = Payload.adopt(Base64.getDecoder().decode(request.payloadBase64()));
            } catch (IllegalArgumentException e) {
                throw invalid("'payloadBase64' is not valid base64: " + e.getMessage());
            }
        }
        return new OutgoingMessage(request.topic(), payload, request.qos() == null ? 0 : request.qos(),
                Boolean.TRUE.equals(request.retain()));
    }

    private PublishRejectedException invalid(String detail) {
        metrics.rejected(RejectionReason.INVALID_REQUEST);
        return new PublishRejectedException(RejectionReason.INVALID_REQUEST, detail);
    }
}
