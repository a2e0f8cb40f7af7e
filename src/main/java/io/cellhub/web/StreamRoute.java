package io.cellhub.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.stream.TopicStream;
import io.cellhub.topic.InvalidTopicException;
import io.cellhub.topic.TopicFilter;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/stream?filter=<MQTT filter>}: live messages as Server-Sent Events. A plain Vert.x
 * route rather than a REST resource, because slow clients are handled by looking at the
 * connection's own write queue.
 */
@ApplicationScoped
class StreamRoute {

    static final String PATH = "/api/stream";

    private final TopicStream stream;
    private final ObjectMapper json;

    StreamRoute(TopicStream stream, ObjectMapper json) {
        this.stream = stream;
        this.json = json;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(this::open);
    }

    private void open(RoutingContext context) {
        TopicFilter filter;
        try {
            filter = TopicFilter.parse(context.request().getParam("filter", "#"));
        } catch (InvalidTopicException e) {
            problem(context, 400, "Bad Request", e.getMessage());
            return;
        }
        HttpServerResponse response = context.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        String remote = String.valueOf(context.request().remoteAddress());
        if (!stream.open(filter, remote, response, context.vertx().getOrCreateContext())) {
            problem(context, 503, "Service Unavailable",
                    "Too many stream clients are connected (cellhub.sse.max-clients). Close a dashboard tab or raise the limit.");
            return;
        }
        // The first bytes make EventSource fire 'open'; 'retry' sets its reconnect delay.
        response.write("retry: 2000\n: connected\n\n");
    }

    private void problem(RoutingContext context, int status, String title, String detail) {
        try {
            context.response().setChunked(false).setStatusCode(status)
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(new Problem("about:blank", title, status, detail, PATH)));
        } catch (JsonProcessingException e) {
            context.fail(status, e);
        }
    }
}
