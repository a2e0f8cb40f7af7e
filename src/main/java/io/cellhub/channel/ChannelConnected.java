package io.cellhub.channel;

/**
 * CDI event: an incoming channel of CellHub's MQTT connector has connected, with its MQTT version (5,
 * or 4 for 3.1.1), whether the broker kept its session, and whether it is the channel's first
 * connection since CellHub started.
 */
public record ChannelConnected(String channel, int protocolVersion, boolean sessionPresent, boolean retainAsPublished,
        boolean firstConnection) {

    /**
     * Whether live messages carry the RETAIN flag their publisher set (MQTT 5 with Retain As
     * Published), so that the retained state can follow them; under MQTT 3.1.1 only a fresh
     * subscription shows which messages are retained.
     */
    public boolean liveRetainFlags() {
        return protocolVersion == 5 && retainAsPublished;
    }
}
