package io.cellhub.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The topic tree's reads ({@link LiveTopics#level} and {@link LiveTopics#page}) against a brute-force
 * reading of the same topics with {@link TopicFilter#matches}, which {@code TopicFilterPropertiesTest}
 * checks against the MQTT spec: over a tiny alphabet, so filters, {@code $} topics, empty levels and
 * topics that are prefixes of others collide often.
 */
class TopicTreePropertiesTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Provide
    Arbitrary<List<String>> topicSets() {
        return Arbitraries.of("a", "b", "$x", "", "a1", "a10", "a2").list().ofMinSize(1).ofMaxSize(4)
                .map(levels -> String.join("/", levels)).filter(topic -> !topic.isEmpty())
                .list().ofMinSize(0).ofMaxSize(40);
    }

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<List<String>> levels = Arbitraries.of("a", "b", "$x", "", "+", "a10").list().ofMinSize(0).ofMaxSize(4);
        return Combinators.combine(levels, Arbitraries.of(true, false)).as((ls, hash) -> {
            List<String> all = new ArrayList<>(ls);
            if (hash || all.isEmpty()) {
                all.add("#");
            }
            return String.join("/", all);
        }).filter(f -> !f.isEmpty());
    }

    /** Each topic gets as many messages as its position in the list plus one, so message sums tell topics apart. */
    private static LiveTopics live(List<String> topics) {
        LiveTopics live = new LiveTopics(new TopicsConfigs.Fixed(1_000, 3), new TrafficMetrics(new SimpleMeterRegistry()));
        int i = 0;
        for (String topic : topics) {
            for (int m = 0; m <= i % 3; m++) {
                live.record(new TopicMessage(topic, Payload.ofText("v" + m), 0, false, T0.plusSeconds(m)));
            }
            i++;
        }
        return live;
    }

    private static Set<String> distinct(List<String> topics) {
        return new LinkedHashSet<>(topics);
    }

    @Property(tries = 1500)
    void everyLevelCountsExactlyTheMatchingTopicsBelowIt(@ForAll("topicSets") List<String> topics,
            @ForAll("filters") String filter) {
        LiveTopics live = live(topics);
        TopicFilter parsed = TopicFilter.parse(filter);
        // every prefix of every topic, and the top level (null)
        Set<String> prefixes = new LinkedHashSet<>();
        prefixes.add(null);
        for (String topic : distinct(topics)) {
            int slash = topic.indexOf('/');
            while (slash >= 0) {
                prefixes.add(topic.substring(0, slash));
                slash = topic.indexOf('/', slash + 1);
            }
            prefixes.add(topic);
        }
        for (String prefix : prefixes) {
            // the expected children: next level name -> matching topics and messages below it
            Map<String, long[]> expected = new TreeMap<>(NaturalOrder.INSTANCE);
            for (String topic : distinct(topics)) {
                String rest;
                if (prefix == null) {
                    rest = topic;
                } else if (topic.startsWith(prefix + "/")) {
                    rest = topic.substring(prefix.length() + 1);
                } else {
                    continue;
                }
                if (!parsed.matches(topic)) {
                    continue;
                }
                int slash = rest.indexOf('/');
                String child = slash < 0 ? rest : rest.substring(0, slash);
                long[] sums = expected.computeIfAbsent(child, c -> new long[2]);
                sums[0]++;
                sums[1] += live.get(topic).orElseThrow().count();
            }
            TopicLevel level = live.level(prefix, parsed, null, 1_000);
            String where = "filter '" + filter + "', prefix '" + prefix + "', topics " + distinct(topics);
            assertEquals(List.copyOf(expected.keySet()), level.branches().stream().map(TopicBranch::name).toList(), where);
            assertEquals(expected.size(), level.children(), where);
            assertEquals(expected.values().stream().mapToLong(s -> s[0]).sum(), level.topics(), where);
            for (TopicBranch branch : level.branches()) {
                assertEquals(expected.get(branch.name())[0], branch.topics(), where + ", branch " + branch.name());
                assertEquals(expected.get(branch.name())[1], branch.messages(), where + ", branch " + branch.name());
                String path = prefix == null ? branch.name() : prefix + "/" + branch.name();
                assertEquals(path, branch.path(), where);
                boolean ownMatches = distinct(topics).contains(path) && parsed.matches(path);
                assertEquals(ownMatches ? path : null, Optional.ofNullable(branch.snapshot()).map(TopicSnapshot::topic)
                        .orElse(null), where + ", own topic of " + path);
                long matchingChildren = live.level(path, parsed, null, 1_000).children();
                assertEquals(matchingChildren, branch.children(), where + ", children of " + path);
            }
            assertNull(level.next(), where);
        }
    }

    @Property(tries = 500)
    void pagingThroughALevelGivesTheWholeLevelOnce(@ForAll("topicSets") List<String> topics, @ForAll("filters") String filter,
            @ForAll @IntRange(min = 1, max = 3) int limit) {
        LiveTopics live = live(topics);
        TopicFilter parsed = TopicFilter.parse(filter);
        List<String> whole = live.level(null, parsed, null, 1_000).branches().stream().map(TopicBranch::name).toList();
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            TopicLevel page = live.level(null, parsed, cursor, limit);
            page.branches().forEach(branch -> paged.add(branch.name()));
            cursor = page.next();
            pages++;
        } while (cursor != null && pages < 100);
        assertEquals(whole, paged, () -> "filter " + filter + ", limit " + limit);
    }

    @Property(tries = 1000)
    void aPageOfTopicsIsTheSortedMatchingTopicsAfterTheCursor(@ForAll("topicSets") List<String> topics,
            @ForAll("filters") String filter, @ForAll @IntRange(min = 1, max = 5) int limit) {
        LiveTopics live = live(topics);
        TopicFilter parsed = TopicFilter.parse(filter);
        List<String> expected = distinct(topics).stream().filter(parsed::matches).sorted().toList();
        List<String> paged = new ArrayList<>();
        String cursor = null;
        while (true) {
            List<TopicSnapshot> page = live.page(parsed, cursor, limit);
            page.forEach(snapshot -> paged.add(snapshot.topic()));
            if (page.size() < limit) {
                break;
            }
            cursor = page.get(page.size() - 1).topic();
        }
        assertEquals(expected, paged, () -> "filter " + filter + ", limit " + limit);
        assertEquals(live.list(parsed).stream().map(TopicSnapshot::topic).toList(), expected);
    }

    @Property(tries = 200)
    void arrivalsListEveryTopicOnceInTheOrderItFirstCame(@ForAll("topicSets") List<String> topics,
            @ForAll @IntRange(min = 0, max = 40) int split) {
        LiveTopics live = live(topics);
        List<String> arrived = new ArrayList<>();
        int position = live.arrivalsSince(0, topic -> {
            if (arrived.size() < split) {
                arrived.add(topic);
            }
        });
        arrived.clear();
        int again = live.arrivalsSince(0, arrived::add);
        assertEquals(List.copyOf(distinct(topics)), arrived);
        assertEquals(position, again);
        List<String> none = new ArrayList<>();
        assertEquals(position, live.arrivalsSince(position, none::add));
        assertEquals(List.of(), none);
    }
}
