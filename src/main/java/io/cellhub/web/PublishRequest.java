package io.cellhub.web;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A publish asked for over HTTP. Give {@code payload} for text or {@code payloadBase64} for bytes, not both. */
public record PublishRequest(
        @Schema(required = true, example = "robotcell1/temperature1") String topic,
        @Schema(description = "UTF-8 text payload", example = "21.5") String payload,
        @Schema(description = "Binary payload, base64-encoded") String payloadBase64,
        @Schema(description = "0, 1 or 2", defaultValue = "0") Integer qos,
        @Schema(defaultValue = "false") Boolean retain) {
}
