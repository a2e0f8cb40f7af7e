package io.cellhub.topic;

/**
 * A part of CellHub that sees every accepted message of the ingest stream, in arrival order, on the
 * ingest thread. Ingest calls each listener directly, so a listener must be quick and never block:
 * hand slow work (database, network) to a queue of its own.
 */
public interface TopicListener {

    void onMessage(TopicMessage message);
}
