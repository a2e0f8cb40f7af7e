package io.cellhub.web;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.stream.StreamConfig;
import io.cellhub.stream.StreamFilters;
import io.cellhub.stream.TopicStream;
import io.cellhub.topic.InvalidTopicException;
import io.cellhub.topic.TopicFilter;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/stream?filter=<MQTT filter>[&filter=...]}: live messages on topics matching any of
 * the filters (at most {@code cellhub.sse.max-filters}), as Server-Sent Events. A plain Vert.x
 * route rather than a REST resource, because slow clients are handled by looking at the
 * connection's own write queue.
 */
@ApplicationScoped
class StreamRoute {

    static final String PATH = "/api/stream";

    private final TopicStream stream;
    private final StreamConfig config;
    private final ObjectMapper json;

    StreamRoute(TopicStream stream, StreamConfig config, ObjectMapper json) {
        this.stream = stream;
        this.config = config;
        this.json = json;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(this::open);
    }

    private void open(RoutingContext context) {
        StreamFilters filters;
        try {
            filters = filters(context.request().params().getAll("filter"));
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
        if (!stream.open(filters, remote, response, context.vertx().getOrCreateContext())) {
            problem(context, 503, "Service Unavailable",
                    "Too many stream clients are connected (cellhub.sse.max-clients). Close a dashboard tab or raise the limit.");
            return;
        }
        SendBuffer.limit(context.request(), (int) config.sendBuffer().asLongValue());
        // The first bytes make EventSource fire 'open'; 'retry' sets its reconnect delay.
        response.write("retry: 2000\n: connected\n\n");
    }

    private StreamFilters filters(List<String> given) {
        if (given.isEmpty()) {
            return StreamFilters.of(TopicFilter.ALL);
        }
        if (given.size() > config.maxFilters()) {
            throw new InvalidTopicException("A stream follows at most " + config.maxFilters() + " filters (cellhub.sse.max-filters); "
                    + given.size() + " were given. Follow a common parent level instead, e.g. 'robotcell1/#'.");
        }
        return new StreamFilters(given.stream().map(TopicFilter::parse).toList());
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
