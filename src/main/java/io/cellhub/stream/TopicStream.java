package io.cellhub.stream;

import io.cellhub.topic.PropertiesText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.NumberReading;
import io.cellhub.topic.Payload;
import io.cellhub.topic.PayloadText;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TopicSnapshot;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * Fans ingested messages out to browsers: a {@link TopicListener} that {@code MqttIngest} calls with
 * each message. It only drops each message into a map of the latest value per topic, so ingest never
 * waits on a browser and costs the same with a hundred clients as with one. Every
 * {@code cellhub.sse.min-interval} a tick selects the changed topics once per distinct set of
 * filters, encodes each selected topic once (a topic no client follows is never encoded: with a
 * fleet's thousands of changes per tick and pages that follow only what they show, that is most of
 * them), joins the events once per set and hands each client its batch on the client's own event loop.
 */
@Singleton
public class TopicStream implements TopicListener {

    private static final Logger LOG = Logger.getLogger(TopicStream.class);

    private final Vertx vertx;
    private final StreamConfig config;
    private final StreamMetrics metrics;
    private final NumberReading reading;
    private final LiveTopics topics;
    private final ObjectMapper json;
    private final List<StreamClient> clients = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final Object lock = new Object();
    /** Deliveries of the last tick still queued on clients' event loops. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private Map<String, TopicMessage> changed = new HashMap<>();
    private long timer = -1;

    public TopicStream(Vertx vertx, StreamConfig config, StreamMetrics metrics, NumberReading reading, ObjectMapper json,
            LiveTopics topics) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.reading = reading;
        this.json = json;
        this.topics = topics;
        metrics.gaugeClients(clients::size);
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(Math.max(1, config.minInterval().toMillis()), t -> tick());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        clients.forEach(StreamClient::close);
    }

    @Override
    public void onMessage(TopicMessage message) {
        if (clients.isEmpty()) {
            return;
        }
        synchronized (lock) {
            changed.put(message.topic(), message);
        }
    }

    /** @return false when {@code cellhub.sse.max-clients} are already connected */
    public boolean open(StreamFilters filters, String remote, HttpServerResponse response, Context context) {
        if (clients.size() >= config.maxClients()) {
            return false;
        }
        StreamClient client = new StreamClient(ids.incrementAndGet(), filters, remote, response, context,
                config.maxPendingTopics(), metrics);
        response.closeHandler(v -> remove(client));
        response.exceptionHandler(e -> remove(client));
        clients.add(client);
        LOG.debugf("Stream client %s connected from %s on '%s'", client.view().id(), remote, filters);
        return true;
    }

    public List<StreamClientView> clients() {
        return clients.stream().map(StreamClient::view).sorted(Comparator.comparingLong(StreamClientView::id)).toList();
    }

    public int clientCount() {
        return clients.size();
    }

    private void remove(StreamClient client) {
        client.close();
        if (clients.remove(client)) {
            LOG.debugf("Stream client %s disconnected", client.view().id());
        }
    }

    private void tick() {
        if (inFlight.get() > 0) {
            // The event loops have not caught up with the last tick: let values coalesce a tick longer
            // rather than queue more work beside ingest on those loops.
            return;
        }
        Map<String, TopicMessage> batch;
        synchronized (lock) {
            batch = changed;
            if (!batch.isEmpty()) {
                changed = new HashMap<>();
            }
        }
        long idle = config.heartbeat().toNanos();
        if (batch.isEmpty()) {
            clients.forEach(client -> client.heartbeatIfIdle(idle));
            return;
        }
        Map<String, StreamEvent> encoded = new HashMap<>();
        Map<StreamFilters, FilteredBatch> byFilters = new HashMap<>();
        for (StreamClient client : clients) {
            FilteredBatch filtered = byFilters.computeIfAbsent(client.filters(), filters -> select(batch, filters, encoded));
            if (filtered.isEmpty()) {
                client.heartbeatIfIdle(idle);
            } else {
                inFlight.incrementAndGet();
                client.offer(filtered, inFlight::decrementAndGet);
            }
        }
    }

    /** The batch's messages these filters match, each encoded at most once per tick. */
    private FilteredBatch select(Map<String, TopicMessage> batch, StreamFilters filters, Map<String, StreamEvent> encoded) {
        List<StreamEvent> events = new ArrayList<>();
        for (TopicMessage message : batch.values()) {
            if (filters.matches(message.topic())) {
                StreamEvent event = encoded.computeIfAbsent(message.topic(), topic -> encode(message));
                if (event != null) {
                    events.add(event);
                }
            }
        }
        return FilteredBatch.of(events);
    }

    private StreamEvent encode(TopicMessage message) {
        Payload payload = message.payload();
        StreamEventData data = new StreamEventData(message.topic(), PayloadText.text(payload), PayloadText.base64(payload),
                PayloadText.number(payload, reading), message.qos(), message.retained(), message.receivedAt().toEpochMilli(),
                topics.get(message.topic()).map(TopicSnapshot::count).orElse(0L), PropertiesText.of(message.properties()));
        try {
            return StreamEvent.of(message.topic(), json.writeValueAsBytes(data));
        } catch (JsonProcessingException e) {
            LOG.warnf(e, "Could not encode a stream event for '%s'; it is left out of the stream", message.topic());
            return null;
        }
    }
}
