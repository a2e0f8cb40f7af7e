package io.cellhub.stream;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
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

    /**
     * The socket send buffer of each stream connection (HTTP/1.1; the kernel doubles it). Values wait
     * in it, and only once it is full does CellHub start coalescing for a client that stopped reading:
     * left to the kernel's autotuning it grows to {@code net.ipv4.tcp_wmem}'s maximum, often 4 MiB per
     * stalled browser.
     */
    @WithDefault("64K")
    MemorySize sendBuffer();

    /**
     * Most filters one stream client may follow ({@code filter} repeated), such as the open levels
     * of a topic tree or the cells on a page; more answer 400.
     */
    @WithDefault("200")
    int maxFilters();

    /** Most concurrent stream clients; further ones get 503. */
    @WithDefault("1000")
    int maxClients();
}
