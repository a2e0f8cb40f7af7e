package io.cellhub.topic;

/** A topic name or filter that breaks the MQTT rules; the message says what to change. */
public class InvalidTopicException extends IllegalArgumentException {

    public InvalidTopicException(String message) {
        super(message);
    }
}
