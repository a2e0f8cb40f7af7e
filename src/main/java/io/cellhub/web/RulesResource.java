package io.cellhub.web;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

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

import io.cellhub.rule.AverageProcessor;
import io.cellhub.rule.HandoffProcessor;
import io.cellhub.rule.Rule;
import io.cellhub.rule.RuleStats;

@Path("/api/rules")
@Produces(MediaType.APPLICATION_JSON)
public class RulesResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    /** A configured rule with its live counters. */
    public record RuleView(String name, String type, List<String> inputs, String output, List<String> chain, Stats stats,
            Last last) {
    }

    public record Stats(long received, long published, long ignored, long cut) {
    }

    public record Last(String topic, String payload, Instant at) {
    }

    private final AverageProcessor averages;
    private final HandoffProcessor handoffs;

    public RulesResource(AverageProcessor averages, HandoffProcessor handoffs) {
        this.averages = averages;
        this.handoffs = handoffs;
    }

    @GET
    @Operation(summary = "The configured processor rules with their live counters and last outputs, one page at a time",
            description = "At most `limit` rules (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + ") in configuration "
                    + "order; the next page's URL is in the `Link` header.")
    @APIResponse(responseCode = "200", description = "The page", headers = @Header(name = "Link", description = Paging.LINK))
    public RestResponse<List<RuleView>> list(
            @Parameter(description = "Most rules on this page (1 to " + MAX_LIMIT + ")")
            @QueryParam("limit") @DefaultValue("" + DEFAULT_LIMIT) int limit,
            @Parameter(description = Paging.CURSOR + "; a position in the list of rules")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        int size = Paging.limit(limit, MAX_LIMIT);
        int from = position(Paging.cursor(cursor));
        List<RuleView> all = rules();
        List<RuleView> page = all.subList(Math.min(from, all.size()), Math.min(all.size(), from + size));
        return Paging.page(page, from + size < all.size() ? String.valueOf(from + size) : null, uri);
    }

    /** Every rule: averages first, then chains, each in configuration order. */
    public List<RuleView> rules() {
        return Stream.concat(averages.rules().stream(), handoffs.rules().stream()).map(RulesResource::view).toList();
    }

    private static int position(String cursor) {
        if (cursor == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(cursor));
        } catch (NumberFormatException e) {
            throw new BadRequestException("'cursor' must be the cursor of the previous page, such as 100, was '" + cursor + "'.");
        }
    }

    private static RuleView view(Rule rule) {
        RuleStats stats = rule.stats();
        RuleStats.LastOutput last = stats.last();
        return new RuleView(rule.name(), rule.type(), rule.inputs(), rule.output().orElse(null), rule.chain().orElse(null),
                new Stats(stats.received(), stats.published(), stats.ignored(), stats.cut()),
                last == null ? null : new Last(last.topic(), last.payload(), last.at()));
    }
}
