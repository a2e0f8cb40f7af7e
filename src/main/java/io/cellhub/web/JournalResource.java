package io.cellhub.web;

import io.cellhub.topic.PropertiesText;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.store.JournalQuery;
import io.cellhub.topic.Payload;
import io.cellhub.topic.PayloadText;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;

@Path("/api/journal")
@Produces(MediaType.APPLICATION_JSON)
public class JournalResource {

    static final int MAX_LIMIT = 100_000;

    /** One journaled message. */
    public record JournalEntry(String topic, String payload, String payloadBase64, int qos, boolean retained,
            Instant receivedAt, @JsonUnwrapped PropertiesText properties) {
    }

    private final JournalQuery journal;

    public JournalResource(JournalQuery journal) {
        this.journal = journal;
    }

    @GET
    @Operation(summary = "Journaled messages in order, newest last: the newest `limit` in [from, to)")
    public List<JournalEntry> find(@QueryParam("topic") String topic, @QueryParam("filter") @DefaultValue("#") String filter,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("limit") @DefaultValue("1000") int limit)
            throws SQLException {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit + ".");
        }
        return journal.find(topic, TopicFilter.parse(filter), instant("from", from, Instant.EPOCH),
                instant("to", to, Instant.now().plusSeconds(1)), limit).stream().map(JournalResource::entry).toList();
    }

    private static Instant instant(String name, String value, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException("'" + name + "' must be an ISO-8601 instant such as 2026-11-24T10:00:00Z, was '"
                    + value + "'.");
        }
    }

    private static JournalEntry entry(TopicMessage message) {
        Payload payload = message.payload();
        return new JournalEntry(message.topic(), PayloadText.text(payload), PayloadText.base64(payload), message.qos(),
                message.retained(), message.receivedAt(), PropertiesText.of(message.properties()));
    }
}
