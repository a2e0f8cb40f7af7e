package io.cellhub.stream;

import java.util.List;
import java.util.TreeMap;

import io.cellhub.topic.TopicFilter;

/**
 * The MQTT filters one stream client follows, such as the levels a topic tree has open: a topic is
 * sent when any of them matches. Kept sorted and without repeats, so two clients asking for the same
 * filters in any order share one batch per tick.
 */
public record StreamFilters(List<TopicFilter> filters) {

    public StreamFilters {
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("A stream needs at least one filter");
        }
        TreeMap<String, TopicFilter> sorted = new TreeMap<>();
        filters.forEach(filter -> sorted.put(filter.toString(), filter));
        filters = List.copyOf(sorted.values());
    }

    public static StreamFilters of(TopicFilter filter) {
        return new StreamFilters(List.of(filter));
    }

    public boolean matches(String topic) {
        for (TopicFilter filter : filters) {
            if (filter.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** The filters as {@code GET /api/stream/clients} shows them: comma-separated. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (TopicFilter filter : filters) {
            text.append(text.isEmpty() ? "" : ",").append(filter);
        }
        return text.toString();
    }
}
