package io.cellhub.topic;

import java.util.Objects;

/**
 * An MQTT 3.1.1 topic filter (spec 4.7.1 to 4.7.3).
 * <p>
 * {@code +} matches exactly one level, which may be empty; {@code #} matches its parent level and
 * everything below it and may only stand last; a filter that starts with a wildcard never matches a
 * topic starting with {@code $}. Matching walks the topic once and allocates nothing.
 */
public final class TopicFilter {

    public static final TopicFilter ALL = parse("#");

    private static final String SINGLE = "+";
    private static final String MULTI = "#";

    private final String filter;
    private final String[] levels;
    private final boolean wildcard;
    private final boolean startsWithWildcard;

    private TopicFilter(String filter, String[] levels, boolean wildcard) {
        this.filter = filter;
        this.levels = levels;
        this.wildcard = wildcard;
        this.startsWithWildcard = levels[0].equals(SINGLE) || levels[0].equals(MULTI);
    }

    /**
     * Parses a filter, rejecting what MQTT 3.1.1 forbids.
     *
     * @throws InvalidTopicException with a message that says what is wrong and how to write it
     */
    public static TopicFilter parse(String filter) {
        if (filter == null || filter.isEmpty()) {
            throw new InvalidTopicException("The topic filter is empty. Use '#' to match every topic.");
        }
        TopicName.checkCommonRules(filter, "topic filter");
        String[] levels = filter.split("/", -1);
        boolean wildcard = false;
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals(MULTI)) {
                if (i != levels.length - 1) {
                    throw new InvalidTopicException("'#' may only be the last level of a topic filter, as in 'robotcell1/#': "
                            + filter);
                }
                wildcard = true;
            } else if (level.equals(SINGLE)) {
                wildcard = true;
            } else if (level.indexOf('#') >= 0 || level.indexOf('+') >= 0) {
                throw new InvalidTopicException("A wildcard must fill a whole level, as in 'robotcell1/+/temperature': "
                        + filter);
            }
        }
        return new TopicFilter(filter, levels, wildcard);
    }

    public boolean matches(String topic) {
        if (!wildcard) {
            return filter.equals(topic);
        }
        if (startsWithWildcard && TopicName.isReserved(topic)) {
            return false;
        }
        int length = topic.length();
        int start = 0;
        for (String level : levels) {
            if (level.equals(MULTI)) {
                return true;
            }
            if (start > length) {
                return false;
            }
            int end = topic.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            if (!level.equals(SINGLE)
                    && (end - start != level.length() || !topic.regionMatches(start, level, 0, level.length()))) {
                return false;
            }
            start = end + 1;
        }
        return start == length + 1;
    }

    /** The filter's levels, for walking the topic tree; not to be changed. */
    String[] levels() {
        return levels;
    }

    public boolean hasWildcard() {
        return wildcard;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicFilter that && filter.equals(that.filter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filter);
    }

    @Override
    public String toString() {
        return filter;
    }
}
