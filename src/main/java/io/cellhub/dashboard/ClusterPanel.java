package io.cellhub.dashboard;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.cellhub.cluster.ClusterStatus;
import io.quarkus.qute.TemplateData;

/** The home page's cluster panel: the replicas, what each owns, and each part's lag (cluster mode only). */
@TemplateData
public record ClusterPanel(boolean enabled, String replica, String rulesState, List<Row> rows, String lag) {

    /** One replica: its partitions per part, as the page prints them. */
    @TemplateData
    public record Row(String id, boolean self, String rules, String egress, String journal, String ingest) {
    }

    static ClusterPanel of(ClusterStatus status) {
        if (!status.enabled()) {
            return new ClusterPanel(false, null, null, List.of(), "");
        }
        List<Row> rows = status.replicas().stream().map(r -> new Row(r.id(), r.id().equals(status.replica()), list(r.rules()),
                list(r.egress()), list(r.journal()), list(r.ingestSpaces()))).toList();
        return new ClusterPanel(true, status.replica(), status.rulesState(), rows, lag(status.lag()));
    }

    private static String list(List<Integer> partitions) {
        return partitions.isEmpty() ? "–" : partitions.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    private static String lag(Map<String, Long> lag) {
        return lag.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" · "));
    }
}
