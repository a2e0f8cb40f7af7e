package io.cellhub.dashboard;

import java.util.List;

import io.cellhub.web.RulesResource.RuleView;
import io.quarkus.qute.TemplateData;

/**
 * The fleet at a glance: how many cells there are and how many of them are online, stale (silent
 * for {@code cellhub.dashboard.stale-after}), offline (their status says so) or unknown (no status),
 * with every rule's counters and last output and the cylinder chains.
 */
@TemplateData
public record FleetSummary(int cells, int online, int stale, int offline, int unknown, List<RuleView> rules,
        List<ChainCard> chains) {
}
