package io.cellhub.retained;

/** CDI event: the broker's retained messages have all arrived; the live state now holds them. */
public record RetainedStateSettled(int retainedMessages) {
}
