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

import io.cellhub.topic.InvalidTopicException;
import io.cellhub.topic.TopicName;
import io.cellhub.topic.MessageProperties;
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
                Boolean.TRUE.equals(request.retain()), properties(request));
    }

    private MessageProperties properties(PublishRequest request) {
        byte[] correlation = null;
        if (request.correlationData() != null) {
            try {
                correlation = Base64.getDecoder().decode(request.correlationData());
            } catch (IllegalArgumentException e) {
                throw invalid("'correlationData' is not valid base64: " + e.getMessage());
            }
        }
        Boolean utf8 = null;
        if (request.payloadFormat() != null) {
            utf8 = switch (request.payloadFormat().toLowerCase(java.util.Locale.ROOT)) {
                case "utf-8", "utf8" -> true;
                case "bytes", "unspecified" -> false;
                default -> throw invalid("'payloadFormat' is '" + request.payloadFormat() + "'; use utf-8 or bytes.");
            };
        }
        if (request.messageExpiry() != null && (request.messageExpiry() < 0 || request.messageExpiry() > 4_294_967_295L)) {
            throw invalid("'messageExpiry' is " + request.messageExpiry() + " seconds; give 0 to 4294967295.");
        }
        if (request.responseTopic() != null) {
            try {
                TopicName.requireValid(request.responseTopic());
            } catch (InvalidTopicException e) {
                throw invalid("'responseTopic': " + e.getMessage());
            }
        }
        if (request.userProperties() != null && request.userProperties().values().stream().anyMatch(values -> values == null
                || values.stream().anyMatch(java.util.Objects::isNull))) {
            throw invalid("'userProperties' maps each name to a list of text values, such as {\"line\": [\"7\"]}.");
        }
        return MessageProperties.of(request.contentType(), utf8, MessageProperties.userProperties(request.userProperties()),
                request.responseTopic(), correlation, request.messageExpiry() == null ? -1 : request.messageExpiry());
    }

    private PublishRejectedException invalid(String detail) {
        metrics.rejected(RejectionReason.INVALID_REQUEST);
        return new PublishRejectedException(RejectionReason.INVALID_REQUEST, detail);
    }
}
