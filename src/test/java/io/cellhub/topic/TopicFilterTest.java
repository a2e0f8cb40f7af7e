package io.cellhub.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Examples from MQTT 3.1.1 sections 4.7.1 to 4.7.3, plus the topic name rules of {@link TopicName}. */
class TopicFilterTest {

    private static boolean matches(String filter, String topic) {
        return TopicFilter.parse(filter).matches(topic);
    }

    // 4.7.1.2 Multi-level wildcard

    @Test
    void hashMatchesParentLevel() {
        assertTrue(matches("sport/tennis/player1/#", "sport/tennis/player1"));
    }

    @Test
    void hashMatchesDirectChild() {
        assertTrue(matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
    }

    @Test
    void hashMatchesDeeperDescendant() {
        assertTrue(matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
    }

    @Test
    void hashDoesNotMatchSiblingOrAncestor() {
        assertFalse(matches("sport/tennis/player1/#", "sport/tennis/player2"));
        assertFalse(matches("sport/tennis/player1/#", "sport/tennis"));
        assertFalse(matches("sport/tennis/player1/#", "sport/tennis/player10"));
    }

    @Test
    void sportHashMatchesSportItself() {
        assertTrue(matches("sport/#", "sport"));
        assertTrue(matches("sport/#", "sport/"));
        assertFalse(matches("sport/#", "sports"));
    }

    @Test
    void hashAloneMatchesEveryNonDollarTopic() {
        assertTrue(matches("#", "sport"));
        assertTrue(matches("#", "sport/tennis/player1"));
        assertTrue(matches("#", "/finance"));
        assertTrue(matches("#", "a//b"));
    }

    @Test
    void allConstantIsHash() {
        assertEquals(TopicFilter.parse("#"), TopicFilter.ALL);
        assertTrue(TopicFilter.ALL.matches("robotcell1/temperature1"));
        assertFalse(TopicFilter.ALL.matches("$SYS/broker/uptime"));
    }

    // 4.7.1.3 Single-level wildcard

    @Test
    void plusMatchesExactlyOneLevel() {
        assertTrue(matches("sport/tennis/+", "sport/tennis/player1"));
        assertTrue(matches("sport/tennis/+", "sport/tennis/player2"));
        assertFalse(matches("sport/tennis/+", "sport/tennis/player1/ranking"));
        assertFalse(matches("sport/tennis/+", "sport/tennis"));
    }

    @Test
    void plusAfterLevelDoesNotMatchParentWithoutSeparator() {
        assertFalse(matches("sport/+", "sport"));
        assertTrue(matches("sport/+", "sport/"));
    }

    @Test
    void plusPlusMatchesLeadingEmptyLevel() {
        assertTrue(matches("+/+", "/finance"));
    }

    @Test
    void slashPlusMatchesLeadingEmptyLevel() {
        assertTrue(matches("/+", "/finance"));
    }

    @Test
    void plusAloneDoesNotMatchTwoLevels() {
        assertFalse(matches("+", "/finance"));
        assertTrue(matches("+", "finance"));
    }

    @Test
    void plusMatchesEmptyMiddleAndTrailingLevels() {
        assertTrue(matches("a/+/b", "a//b"));
        assertTrue(matches("a/+", "a/"));
        assertFalse(matches("a/+/b", "a/b"));
    }

    @Test
    void plusCombinesWithHash() {
        assertTrue(matches("+/tennis/#", "sport/tennis/player1"));
        assertTrue(matches("+/tennis/#", "sport/tennis"));
        assertFalse(matches("+/tennis/#", "sport/golf/player1"));
    }

    @Test
    void literalLevelsMustMatchExactly() {
        assertTrue(matches("sport/tennis", "sport/tennis"));
        assertFalse(matches("sport/tennis", "sport/tennis/"));
        assertFalse(matches("sport/tennis", "Sport/tennis"));
        assertFalse(matches("sport/+/x", "sport/tennis/xy"));
        assertFalse(matches("sport/+/xy", "sport/tennis/x"));
    }

    // 4.7.2 Topics beginning with $

    @Test
    void hashDoesNotMatchDollarTopics() {
        assertFalse(matches("#", "$SYS/broker/clients"));
        assertFalse(matches("#", "$SYS"));
    }

    @Test
    void leadingPlusDoesNotMatchDollarTopics() {
        assertFalse(matches("+/monitor/Clients", "$SYS/monitor/Clients"));
        assertTrue(matches("+/monitor/Clients", "SYS/monitor/Clients"));
    }

    @Test
    void explicitDollarSysFilterMatchesDollarTopics() {
        assertTrue(matches("$SYS/#", "$SYS/broker/clients"));
        assertTrue(matches("$SYS/#", "$SYS"));
        assertTrue(matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
    }

    @Test
    void dollarOnlyMattersAsFirstCharacter() {
        assertTrue(matches("#", "a/$SYS"));
        assertTrue(matches("+/+", "a/$SYS"));
    }

    // 4.7.1 invalid filters

    @ParameterizedTest
    @ValueSource(strings = { "sport/tennis#", "sport/#/ranking", "sport+", "#/a", "a/#/#", "+a", "a/b+/c", "##", "++" })
    void invalidWildcardPlacementIsRejected(String filter) {
        assertThrows(InvalidTopicException.class, () -> TopicFilter.parse(filter));
    }

    @Test
    void emptyFilterIsRejected() {
        assertThrows(InvalidTopicException.class, () -> TopicFilter.parse(""));
    }

    @Test
    void nullFilterIsRejected() {
        assertThrows(InvalidTopicException.class, () -> TopicFilter.parse(null));
    }

    @Test
    void filterWithNulIsRejected() {
        assertThrows(InvalidTopicException.class, () -> TopicFilter.parse("a/\u0000/#"));
    }

    @Test
    void filterLongerThan65535BytesIsRejected() {
        assertThrows(InvalidTopicException.class, () -> TopicFilter.parse("a".repeat(65_536)));
        assertEquals("a".repeat(65_535), TopicFilter.parse("a".repeat(65_535)).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "#", "+", "/", "+/+", "/+", "sport/tennis/+", "sport/#", "+/tennis/#", "$SYS/#", "a//b", "+/+/#" })
    void validFiltersParse(String filter) {
        assertEquals(filter, TopicFilter.parse(filter).toString());
    }

    @Test
    void hasWildcardReflectsFilter() {
        assertTrue(TopicFilter.parse("a/+").hasWildcard());
        assertTrue(TopicFilter.parse("a/#").hasWildcard());
        assertFalse(TopicFilter.parse("a/b").hasWildcard());
    }

    @Test
    void filtersAreEqualByText() {
        assertEquals(TopicFilter.parse("a/+"), TopicFilter.parse("a/+"));
        assertEquals(TopicFilter.parse("a/+").hashCode(), TopicFilter.parse("a/+").hashCode());
        assertNotEquals(TopicFilter.parse("a/+"), TopicFilter.parse("a/#"));
    }

    // TopicName

    @ParameterizedTest
    @ValueSource(strings = { "a/+", "+", "a/#", "#", "sport+", "a#b" })
    void topicNameRejectsWildcards(String topic) {
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid(topic));
    }

    @Test
    void topicNameRejectsEmpty() {
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid(""));
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid(null));
    }

    @Test
    void topicNameRejectsDollarPrefix() {
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("$SYS/broker"));
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("$"));
    }

    @Test
    void topicNameRejectsNul() {
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("robot\u0000cell"));
    }

    @Test
    void topicNameRejectsMoreThan65535Utf8Bytes() {
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("a".repeat(65_536)));
        // 32,768 two-byte characters: few chars, but 65,536 bytes
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("\u00e9".repeat(32_768)));
    }

    @Test
    void topicNameRejectsUnpairedSurrogatesAndAcceptsPairedOnes() {
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("cell/\ud83c"));
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("cell/\udf21x"));
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("\ud83c\ud83c"));
        assertEquals("cell/\ud83c\udf21", TopicName.requireValid("cell/\ud83c\udf21"));
    }

    @Test
    void topicNameCountsUtf8BytesOfEveryWidth() {
        // 16,383 four-byte characters + 3 one-byte = 65,535 bytes; one more byte is too many
        String fourByte = "\ud83c\udf21".repeat(16_383);
        assertEquals(fourByte + "abc", TopicName.requireValid(fourByte + "abc"));
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid(fourByte + "abcd"));
        String threeByte = "\u6e29".repeat(21_845); // 65,535 bytes
        assertEquals(threeByte, TopicName.requireValid(threeByte));
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid(threeByte + "a"));
    }

    @Test
    void topicNameAcceptsExactly65535Utf8Bytes() {
        String topic = "a".repeat(65_535);
        assertEquals(topic, TopicName.requireValid(topic));
        String multiByte = "\u00e9".repeat(32_767) + "a"; // 65,535 bytes
        assertEquals(multiByte, TopicName.requireValid(multiByte));
    }

    @ParameterizedTest
    @ValueSource(strings = { "robotcell1/temperature1", "a", "a//b", "/a", "a/", "/", "a/$SYS", "sport/tennis/player1",
            "r\u00f6bot/\u6e29\u5ea6" })
    void topicNameAcceptsNormalNamesIncludingEmptyLevels(String topic) {
        assertEquals(topic, TopicName.requireValid(topic));
    }

    @Test
    void topicNameRejectionMessageNamesTheTopic() {
        InvalidTopicException e = assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("a/+/b"));
        assertTrue(e.getMessage().contains("a/+/b"), e.getMessage());
    }

    @Test
    void unpairedSurrogatesAreRejectedInNamesAndFilters() {
        assertThrows(InvalidTopicException.class, () -> TopicName.requireValid("robot/\uD800"));
        assertThrows(InvalidTopicException.class, () -> TopicFilter.parse("robot/\uDC00/#"));
        TopicName.requireValid("robot/\uD83E\uDD16");
    }
}
