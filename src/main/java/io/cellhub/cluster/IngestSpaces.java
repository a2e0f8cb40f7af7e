package io.cellhub.cluster;

import java.util.List;

import io.cellhub.ingest.IngestConfig;

/** The MQTT filters ingested separately, in order: {@code cellhub.cluster.ingest.spaces}, else {@code cellhub.ingest.filter}. */
final class IngestSpaces {

    private IngestSpaces() {
    }

    static List<String> of(ClusterConfig cluster, IngestConfig ingest) {
        return cluster.ingest().spaces().filter(spaces -> !spaces.isEmpty()).orElseGet(() -> List.of(ingest.filter()));
    }
}
