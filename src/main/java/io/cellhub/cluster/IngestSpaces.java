package io.cellhub.cluster;

import java.util.List;

import io.cellhub.ingest.IngestConfig;

/**
 * The MQTT filters ingested separately, in order: {@code cellhub.cluster.ingest.spaces}, else the one
 * filter of {@code cellhub.ingest.filter}. Each space is one subscription, and each cell must fall in
 * exactly one; several ingest filters (say one per input of a rule) would split a cell's inputs, so
 * the cluster mode asks for its spaces to be named instead.
 */
final class IngestSpaces {

    private IngestSpaces() {
    }

    static List<String> of(ClusterConfig cluster, IngestConfig ingest) {
        return cluster.ingest().spaces().filter(spaces -> !spaces.isEmpty()).orElseGet(() -> {
            if (ingest.filters().size() != 1) {
                throw new IllegalStateException("The cluster mode ingests one topic space per subscription, and "
                        + "cellhub.ingest.filter names " + ingest.filters().size() + " filters (" + String.join(",", ingest.filters())
                        + "). Set cellhub.cluster.ingest.spaces to filters that each hold whole cells (e.g. 'line1/#,line2/#'), "
                        + "or give cellhub.ingest.filter one filter.");
            }
            return List.of(ingest.filters().get(0));
        });
    }
}
