package io.cellhub.stream;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The live stream to browsers, {@code GET /api/stream}. */
@ConfigMapping(prefix = "cellhub.sse")
public interface StreamConfig {

    /** Each client gets at most one event per topic per interval; the latest value wins. */
    @WithDefault("100ms")
    Duration minInterval();

    /**
     * Most topics a client that cannot keep up may have waiting. Past it the waiting values are
     * dropped and the client is told to reload its state from {@code /api/topics}.
     */
    @WithDefault("2000")
    int maxPendingTopics();

    /** How often an idle connection gets a comment line, so proxies keep it open. */
    @WithDefault("15s")
    Duration heartbeat();

    /** Most concurrent stream clients; further ones get 503. */
    @WithDefault("1000")
    int maxClients();
}
