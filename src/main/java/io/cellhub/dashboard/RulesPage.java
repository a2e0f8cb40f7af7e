package io.cellhub.dashboard;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.web.RulesResource.RuleView;
import io.cellhub.web.RulesResource;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /rules}: the processors with their live counters and last outputs. */
@Path("/rules")
@Produces(MediaType.TEXT_HTML)
public class RulesPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance rules(List<RuleView> rules, Counters counters);
    }

    private final RulesResource rules;
    private final DashboardCounters counters;

    public RulesPage(RulesResource rules, DashboardCounters counters) {
        this.rules = rules;
        this.counters = counters;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance rules() {
        return Templates.rules(rules.rules(), counters.now());
    }
}
