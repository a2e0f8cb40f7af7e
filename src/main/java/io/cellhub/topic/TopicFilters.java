package io.cellhub.topic;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several topic filters taken together, as a client's subscriptions are: a topic matches when any one
 * of them matches it. CellHub's ingest subscribes to each ({@code cellhub.ingest.filter}, comma-separated).
 */
public final class TopicFilters {

    private final TopicFilter[] filters;

    private TopicFilters(TopicFilter[] filters) {
        if (filters.length == 0) {
            throw new InvalidTopicException("No topic filter is given. Use '#' to match every topic.");
        }
        this.filters = filters;
    }

    public static TopicFilters of(TopicFilter... filters) {
        return new TopicFilters(filters.clone());
    }

    /**
     * Parses each filter, surrounding blanks taken off.
     *
     * @throws InvalidTopicException naming the filter that MQTT forbids, and why
     */
    public static TopicFilters parse(List<String> filters) {
        return new TopicFilters(filters.stream().map(String::strip).map(TopicFilter::parse).distinct()
                .toArray(TopicFilter[]::new));
    }

    public boolean matches(String topic) {
        for (TopicFilter filter : filters) {
            if (filter.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    public List<TopicFilter> filters() {
        return List.of(filters);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicFilters that && Arrays.equals(filters, that.filters);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(filters);
    }

    /** The filters as they are configured: comma-separated. */
    @Override
    public String toString() {
        return Arrays.stream(filters).map(TopicFilter::toString).collect(Collectors.joining(","));
    }
}
