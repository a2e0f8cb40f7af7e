package io.cellhub.dashboard;

import io.quarkus.qute.TemplateData;

/** The live counters every page header shows; the pages turn the totals into rates. */
@TemplateData
public record Counters(long received, long published, int topics, int streamClients) {
}
