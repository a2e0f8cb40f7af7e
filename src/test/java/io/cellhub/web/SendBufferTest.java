package io.cellhub.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * {@link SendBuffer} relies on Vert.x's HTTP/1.1 server connections being {@code ConnectionBase}s
 * with a Netty channel: a real Vert.x server and client, so that an upgrade that changes it fails here
 * instead of silently leaving stream clients with the kernel's default buffer.
 */
class SendBufferTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anHttp11ConnectionGetsTheSendBufferItAskedFor() throws Exception {
        int bytes = 16 * 1024;
        CompletableFuture<Integer> applied = new CompletableFuture<>();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            boolean limited = SendBuffer.limit(request, bytes);
            applied.complete(limited && request.connection() instanceof ConnectionBase connection
                    ? connection.channel().config().getOption(ChannelOption.SO_SNDBUF)
                    : -1);
            request.response().end("ok");
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                .compose(request -> request.send()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // Linux reports twice the size asked for (its own bookkeeping); never less
        assertThat(applied.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(bytes).isLessThan(4 * bytes);
    }
}
