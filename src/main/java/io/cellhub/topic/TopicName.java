package io.cellhub.topic;

/** The rules a topic name must follow before CellHub publishes to it (MQTT 3.1.1, 4.7). */
public final class TopicName {

    /** MQTT strings carry a two-byte length prefix. */
    public static final int MAX_BYTES = 65_535;

    private TopicName() {
    }

    /**
     * Checks a topic name for publishing.
     *
     * @throws InvalidTopicException with a message a person can act on
     */
    public static String requireValid(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new InvalidTopicException("The topic is empty. Give a topic name such as 'robotcell1/temperature1'.");
        }
        checkCommonRules(topic, "topic");
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            throw new InvalidTopicException("The topic '" + topic
                    + "' contains a wildcard ('+' or '#'). Wildcards are for subscribing; publish to a concrete topic name.");
        }
        if (isReserved(topic)) {
            throw new InvalidTopicException("The topic '" + topic
                    + "' starts with '$', which MQTT reserves for the broker's own topics such as $SYS.");
        }
        return topic;
    }

    /**
     * Whether MQTT reserves the topic for the broker's own use (4.7.2): names starting with {@code $},
     * such as {@code $SYS/broker/uptime}. A filter that starts with a wildcard never matches them
     * ({@link TopicFilter}); CellHub neither publishes to them nor mirrors their retained messages.
     */
    public static boolean isReserved(String topic) {
        return !topic.isEmpty() && topic.charAt(0) == '$';
    }

    /** One pass over the characters, without encoding: this runs for every message CellHub publishes. */
    static void checkCommonRules(String topic, String what) {
        long bytes = 0;
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '\u0000') {
                throw new InvalidTopicException("The " + what + " contains a NUL character, which MQTT forbids.");
            }
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < topic.length() && Character.isLowSurrogate(topic.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidTopicException("The " + what + " contains an unpaired UTF-16 surrogate, which is not valid UTF-8.");
            } else {
                bytes += 3;
            }
        }
        if (bytes > MAX_BYTES) {
            throw new InvalidTopicException("The " + what + " is " + bytes + " bytes long in UTF-8; MQTT allows at most "
                    + MAX_BYTES + ".");
        }
    }
}
