package io.cellhub.web;

import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Bounds the kernel send buffer of one HTTP/1.x connection ({@code cellhub.sse.send-buffer}), so a
 * stalled stream client holds little in the kernel and shows up in the connection's write queue,
 * where {@link StreamRoute} sees it. The one use of a Vert.x internal: Vert.x has no per-connection
 * socket option API, and {@code HttpServerOptions.setSendBufferSize} would apply to every connection
 * of Quarkus's HTTP server, API and dashboard included. Vert.x's HTTP connections are
 * {@code io.vertx.core.net.impl.ConnectionBase}, whose {@code channel()} is the Netty channel;
 * {@code SendBufferTest} fails when a Vert.x upgrade changes that. Not for HTTP/2, where the
 * connection carries other requests too.
 */
final class SendBuffer {

    private SendBuffer() {
    }

    /** @return whether it was applied: {@code false} for HTTP/2 or a connection of another kind */
    static boolean limit(HttpServerRequest request, int bytes) {
        if (request.version() != HttpVersion.HTTP_2 && request.connection() instanceof ConnectionBase connection) {
            connection.channel().config().setOption(ChannelOption.SO_SNDBUF, bytes);
            return true;
        }
        return false;
    }
}
