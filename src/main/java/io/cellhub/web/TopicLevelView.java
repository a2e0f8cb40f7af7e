package io.cellhub.web;

import java.util.List;
import java.util.Set;

import io.cellhub.topic.NumberReading;
import io.cellhub.topic.TopicBranch;
import io.cellhub.topic.TopicLevel;

/**
 * One page of one level of the topic tree: the children of {@code prefix} (null for the top level)
 * that hold topics matching {@code filter}, in natural order ({@code line2} before {@code line10}).
 * {@code children} and {@code topics} count the whole level, not just this page; {@code next} is the
 * cursor of the next page, null on the last.
 */
public record TopicLevelView(String prefix, String filter, int children, long topics, List<Branch> items, String next) {

    /**
     * A child: {@code path} is the topic prefix to ask for its own level; {@code children},
     * {@code topics} and {@code messages} count what matches below it; {@code topic} is its own last
     * message when the path is itself a topic, else null; {@code retained} says whether the broker
     * holds a retained message for it (from the retained mirror: live messages arrive with
     * {@code retained: false} under MQTT 3.1.1 even when they were published retained).
     */
    public record Branch(String name, String path, int children, long topics, long messages, TopicView topic,
            boolean retained) {

        static Branch of(TopicBranch branch, NumberReading reading, Set<String> retained) {
            TopicView topic = branch.snapshot() == null ? null : TopicView.of(branch.snapshot(), reading);
            return new Branch(branch.name(), branch.path(), branch.children(), branch.topics(), branch.messages(), topic,
                    topic != null && (topic.retained() || retained.contains(topic.topic())));
        }
    }

    static TopicLevelView of(String prefix, String filter, TopicLevel level, NumberReading reading, Set<String> retained) {
        return new TopicLevelView(prefix, filter, level.children(), level.topics(),
                level.branches().stream().map(branch -> Branch.of(branch, reading, retained)).toList(), level.next());
    }
}
