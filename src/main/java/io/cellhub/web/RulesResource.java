package io.cellhub.web;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.rule.AverageProcessor;
import io.cellhub.rule.HandoffProcessor;
import io.cellhub.rule.Rule;
import io.cellhub.rule.RuleStats;

@Path("/api/rules")
@Produces(MediaType.APPLICATION_JSON)
public class RulesResource {

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
    @Operation(summary = "Every configured processor rule with its live counters and last output")
    public List<RuleView> rules() {
        return Stream.concat(averages.rules().stream(), handoffs.rules().stream()).map(RulesResource::view).toList();
    }

    private static RuleView view(Rule rule) {
        RuleStats stats = rule.stats();
        RuleStats.LastOutput last = stats.last();
        return new RuleView(rule.name(), rule.type(), rule.inputs(), rule.output().orElse(null), rule.chain().orElse(null),
                new Stats(stats.received(), stats.published(), stats.ignored(), stats.cut()),
                last == null ? null : new Last(last.topic(), last.payload(), last.at()));
    }
}
