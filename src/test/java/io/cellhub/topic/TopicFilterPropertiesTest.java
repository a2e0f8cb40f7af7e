package io.cellhub.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Compares {@link TopicFilter#matches} with a literal reading of MQTT 3.1.1 sections 4.7.1 to 4.7.3,
 * over a tiny alphabet so that filters and topics collide often.
 */
class TopicFilterPropertiesTest {

    private static final String[] TOPIC_LEVELS = { "a", "b", "$x", "" };

    // ---- reference implementation, written from the spec, independent of the production code ----

    /**
     * MQTT 3.1.1: levels are separated by '/', empty levels count; '+' stands for exactly one level;
     * '#' stands for the parent level and any number of child levels and is last; a filter whose
     * first character is a wildcard does not match a topic whose first character is '$'.
     */
    static boolean referenceMatches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        boolean filterStartsWithWildcard = filter.startsWith("+") || filter.startsWith("#");
        if (filterStartsWithWildcard && topic.startsWith("$")) {
            return false;
        }
        return referenceLevels(f, 0, t, 0);
    }

    private static boolean referenceLevels(String[] f, int fi, String[] t, int ti) {
        if (fi == f.length) {
            return ti == t.length;
        }
        if (f[fi].equals("#")) {
            // matches the parent (ti == t.length) and every descendant
            return true;
        }
        if (ti == t.length) {
            return false;
        }
        if (f[fi].equals("+") || f[fi].equals(t[ti])) {
            return referenceLevels(f, fi + 1, t, ti + 1);
        }
        return false;
    }

    // ---- generators ----

    @Provide
    Arbitrary<List<String>> topicLevels() {
        return Arbitraries.of(TOPIC_LEVELS).list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<String> topics() {
        return topicLevels().map(levels -> String.join("/", levels));
    }

    /** Topics that are valid names to publish to: not empty, no leading '$'. */
    @Provide
    Arbitrary<String> validTopics() {
        return topics().filter(t -> !t.isEmpty() && !t.startsWith("$"));
    }

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<List<String>> levels = Arbitraries.of("a", "b", "$x", "", "+").list().ofMinSize(0).ofMaxSize(5);
        Arbitrary<Boolean> hashLast = Arbitraries.of(true, false);
        return Combinators.combine(levels, hashLast).as((ls, hash) -> {
            List<String> all = new ArrayList<>(ls);
            if (hash || all.isEmpty()) {
                all.add("#");
            }
            return String.join("/", all);
        }).filter(f -> !f.isEmpty());
    }

    // ---- properties ----

    @Property(tries = 3000)
    void matchesAgreesWithSpecReference(@ForAll("filters") String filter, @ForAll("topics") String topic) {
        assertEquals(referenceMatches(filter, topic), TopicFilter.parse(filter).matches(topic),
                () -> "filter '" + filter + "' vs topic '" + topic + "'");
    }

    @Property
    void matchesAgreesWithReferenceForDerivedFilters(@ForAll("topicLevels") List<String> levels,
            @ForAll("topics") String other, @ForAll @IntRange(min = 0, max = 3) int mutation,
            @ForAll @IntRange(min = 0, max = 4) int index) {
        // derive a filter from the topic so that matches are common, then test it on both the topic and another
        List<String> filterLevels = new ArrayList<>(levels);
        int i = index % filterLevels.size();
        switch (mutation) {
            case 0 -> filterLevels.set(i, "+");
            case 1 -> filterLevels = new ArrayList<>(filterLevels.subList(0, i + 1));
            case 2 -> {
                filterLevels = new ArrayList<>(filterLevels.subList(0, i));
                filterLevels.add("#");
            }
            default -> {
                filterLevels.set(i, "+");
                filterLevels.add("#");
            }
        }
        String filter = String.join("/", filterLevels);
        String topic = String.join("/", levels);
        if (filter.isEmpty()) {
            return; // a single empty level is not a filter
        }
        TopicFilter parsed = TopicFilter.parse(filter);
        assertEquals(referenceMatches(filter, topic), parsed.matches(topic), () -> filter + " vs " + topic);
        assertEquals(referenceMatches(filter, other), parsed.matches(other), () -> filter + " vs " + other);
    }

    @Property
    void hashMatchesEveryTopicNotStartingWithDollar(@ForAll("topics") String topic) {
        assertEquals(!topic.startsWith("$"), TopicFilter.ALL.matches(topic), topic);
        assertEquals(!topic.startsWith("$"), TopicFilter.parse("#").matches(topic), topic);
    }

    @Property
    void validTopicAsFilterMatchesExactlyItself(@ForAll("validTopics") String name, @ForAll("topics") String topic) {
        TopicName.requireValid(name);
        TopicFilter filter = TopicFilter.parse(name);
        assertFalse(filter.hasWildcard());
        assertTrue(filter.matches(name));
        assertEquals(name.equals(topic), filter.matches(topic), () -> name + " vs " + topic);
    }

    @Property
    void anyTopicAsFilterMatchesItself(@ForAll("topics") String topic) {
        // includes $-topics, which a filter may name literally
        if (!topic.isEmpty()) {
            assertTrue(TopicFilter.parse(topic).matches(topic), topic);
        }
    }

    @Property
    void replacingOneLevelByPlusStillMatches(@ForAll("topicLevels") List<String> levels,
            @ForAll @IntRange(min = 0, max = 4) int index) {
        int i = index % levels.size();
        List<String> filterLevels = new ArrayList<>(levels);
        filterLevels.set(i, "+");
        String topic = String.join("/", levels);
        String filter = String.join("/", filterLevels);
        // 4.7.2: the only exception is a leading wildcard against a $-topic
        boolean expected = !(i == 0 && topic.startsWith("$"));
        assertEquals(expected, TopicFilter.parse(filter).matches(topic), () -> filter + " vs " + topic);
    }

    @Property
    void appendingHashMatchesTopicAndAllChildren(@ForAll("topics") String topic, @ForAll("topics") String suffix) {
        TopicFilter filter = TopicFilter.parse(topic + "/#");
        assertTrue(filter.matches(topic), topic);
        assertTrue(filter.matches(topic + "/" + suffix), () -> topic + "/#" + " vs " + topic + "/" + suffix);
    }

    @Property
    void appendingHashMatchesNothingOutsideTheSubtree(@ForAll("topics") String topic, @ForAll("topics") String other) {
        TopicFilter filter = TopicFilter.parse(topic + "/#");
        boolean inSubtree = other.equals(topic) || other.startsWith(topic + "/");
        assertEquals(inSubtree, filter.matches(other), () -> topic + "/#" + " vs " + other);
    }

    @Property
    void plusFilterOfSameDepthMatchesEveryNonDollarTopicOfThatDepth(@ForAll("topics") String topic) {
        int depth = topic.split("/", -1).length;
        String filter = String.join("/", Collections.nCopies(depth, "+"));
        assertEquals(!topic.startsWith("$"), TopicFilter.parse(filter).matches(topic), () -> filter + " vs " + topic);
        String deeper = filter + "/+";
        assertFalse(TopicFilter.parse(deeper).matches(topic), () -> deeper + " vs " + topic);
    }

    @Property
    void generatedFiltersParseAndReportTheirWildcards(@ForAll("filters") String filter) {
        TopicFilter parsed = TopicFilter.parse(filter);
        assertEquals(filter, parsed.toString());
        assertEquals(filter.contains("+") || filter.contains("#"), parsed.hasWildcard());
    }

    @Property
    void hashBeforeTheLastLevelIsRejected(@ForAll("topicLevels") List<String> levels,
            @ForAll @IntRange(min = 0, max = 4) int index) {
        List<String> withHash = new ArrayList<>(levels);
        withHash.add(index % levels.size(), "#"); // always followed by at least one level
        String filter = String.join("/", withHash);
        assertThrows(InvalidTopicException.class, () -> TopicFilter.parse(filter), filter);
    }

    @Property
    void wildcardGluedToOtherCharactersIsRejected(@ForAll("topicLevels") List<String> levels,
            @ForAll @IntRange(min = 0, max = 4) int index, @ForAll @IntRange(min = 0, max = 3) int form) {
        List<String> glued = new ArrayList<>(levels);
        int i = index % levels.size();
        String level = levels.get(i).isEmpty() ? "a" : levels.get(i);
        glued.set(i, switch (form) {
            case 0 -> level + "+";
            case 1 -> "+" + level;
            case 2 -> level + "#";
            default -> "#" + level;
        });
        String filter = String.join("/", glued);
        assertThrows(InvalidTopicException.class, () -> TopicFilter.parse(filter), filter);
    }
}
