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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import io.cellhub.journal.JournalQuery;
import io.cellhub.topic.Payload;
import io.cellhub.topic.PayloadText;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;

@Path("/api/journal")
@Produces(MediaType.APPLICATION_JSON)
public class JournalResource {

    static final int DEFAULT_LIMIT = 1_000;
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
    @Operation(summary = "Journaled messages in order, newest last: the newest `limit` in [from, to)",
            description = "At most `limit` messages (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + "). The `Link` "
                    + "header's next page holds the `limit` messages before this page's first (older ones).")
    @APIResponse(responseCode = "200", description = "The page, oldest first",
            headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<List<JournalEntry>> find(@QueryParam("topic") String topic,
            @QueryParam("filter") @DefaultValue("#") String filter,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @Parameter(description = "Most messages on this page (1 to " + MAX_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + DEFAULT_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; the position of the oldest message of the previous page")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) throws SQLException {
        int size = Paging.limit(limit, MAX_LIMIT);
        List<JournalQuery.Row> rows = journal.find(topic, TopicFilter.parse(filter), instant("from", from, Instant.EPOCH),
                instant("to", to, Instant.now().plusSeconds(1)), size + 1, position(Paging.cursor(cursor)));
        // Oldest first: one row more than a page means older ones follow; the page keeps the newest.
        List<JournalQuery.Row> page = rows.size() > size ? rows.subList(1, rows.size()) : rows;
        String next = rows.size() > size ? cursor(page.get(0).position()) : null;
        return Paging.page(page.stream().map(row -> entry(row.message())).toList(), next, uri);
    }

    private static String cursor(JournalQuery.Position position) {
        return position.receivedAt() + "~" + position.id();
    }

    private static JournalQuery.Position position(String cursor) {
        if (cursor == null) {
            return null;
        }
        int tilde = cursor.lastIndexOf('~');
        try {
            return new JournalQuery.Position(Instant.parse(cursor.substring(0, tilde)), Long.parseLong(cursor.substring(tilde + 1)));
        } catch (RuntimeException e) {
            throw new BadRequestException("'cursor' is not a journal position such as 2026-11-24T10:00:00.123456Z~4711, was '"
                    + cursor + "'. Pass back the cursor of the previous page.");
        }
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
