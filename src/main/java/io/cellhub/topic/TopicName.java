package io.cellhub.topic;

import java.nio.charset.StandardCharsets;

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
        if (topic.charAt(0) == '$') {
            throw new InvalidTopicException("The topic '" + topic
                    + "' starts with '$', which MQTT reserves for the broker's own topics such as $SYS.");
        }
        return topic;
    }

    static void checkCommonRules(String topic, String what) {
        if (topic.indexOf('\u0000') >= 0) {
            throw new InvalidTopicException("The " + what + " contains a NUL character, which MQTT forbids.");
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(topic)) {
            throw new InvalidTopicException("The " + what + " contains an unpaired UTF-16 surrogate, which is not valid UTF-8.");
        }
        int bytes = topic.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new InvalidTopicException("The " + what + " is " + bytes + " bytes long in UTF-8; MQTT allows at most "
                    + MAX_BYTES + ".");
        }
    }
}
