package io.cellhub.broker;

/** The embedded broker has just made CellHub's ingest subscription; it re-sends retained messages now. */
public record IngestSubscribed(String clientId, String filter) {
}
