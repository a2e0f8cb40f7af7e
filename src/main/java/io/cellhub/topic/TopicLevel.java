package io.cellhub.topic;

import java.util.List;

/**
 * One page of a topic level: the children of a prefix in natural order, with how many children and
 * topics the whole level holds under the filter, and the name to continue after ({@code next}, null
 * on the last page).
 */
public record TopicLevel(List<TopicBranch> branches, int children, long topics, String next) {

    public static final TopicLevel EMPTY = new TopicLevel(List.of(), 0, 0, null);
}
