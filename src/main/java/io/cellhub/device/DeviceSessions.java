package io.cellhub.device;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.cellhub.broker.BrokerConfig;
import io.cellhub.topic.DeviceActivity;
import io.cellhub.topic.DeviceActivity.Kind;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * The devices CellHub knows, in {@code device_session}. With the embedded broker they are its MQTT
 * clients, from its connect, disconnect, subscribe and publish events; with an external broker they
 * are the cells announcing themselves on {@code <cell>/status} ({@code online}, and {@code offline}
 * as birth message and last will, as the simulated fleet does). Kept in memory, written every second.
 * In cluster mode every replica derives the same sessions from the same messages and writes them;
 * a row is never replaced by an older one, so a replica that lags behind cannot undo a newer state.
 */
@Singleton
public class DeviceSessions implements TopicListener {

    private static final Logger LOG = Logger.getLogger(DeviceSessions.class);
    private static final String UPSERT = "INSERT INTO device_session (id, source, online, clean_session, subscriptions, "
            + "connected_at, disconnected_at, last_seen, messages) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?) "
            + "ON CONFLICT (id) DO UPDATE SET source = EXCLUDED.source, online = EXCLUDED.online, "
            + "clean_session = EXCLUDED.clean_session, subscriptions = EXCLUDED.subscriptions, "
            + "connected_at = EXCLUDED.connected_at, disconnected_at = EXCLUDED.disconnected_at, "
            + "last_seen = EXCLUDED.last_seen, messages = EXCLUDED.messages "
            + "WHERE device_session.last_seen IS NULL OR EXCLUDED.last_seen IS NULL OR device_session.last_seen <= EXCLUDED.last_seen";

    /** A device as the API shows it. */
    public record DeviceSession(String id, String source, boolean online, Boolean cleanSession,
            Map<String, Integer> subscriptions, Instant connectedAt, Instant disconnectedAt, Instant lastSeen, long messages) {
    }

    private final Map<String, DeviceSession> devices = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AgroalDataSource dataSource;
    private final ObjectMapper json;
    private final boolean embeddedBroker;

    public DeviceSessions(AgroalDataSource dataSource, ObjectMapper json, BrokerConfig broker) {
        this.dataSource = dataSource;
        this.json = json;
        this.embeddedBroker = broker.embedded();
    }

    /** Loads what the last run knew; with the embedded broker nobody is connected after a restart. */
    void load(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) StartupEvent event) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, source, online, clean_session, subscriptions, connected_at, "
                        + "disconnected_at, last_seen, messages FROM device_session")) {
            while (rows.next()) {
                boolean online = rows.getBoolean("online") && !(embeddedBroker && "broker".equals(rows.getString("source")));
                Boolean clean = (Boolean) rows.getObject("clean_session");
                devices.put(rows.getString("id"), new DeviceSession(rows.getString("id"), rows.getString("source"), online, clean,
                        json.readValue(rows.getString("subscriptions"), new TypeReference<LinkedHashMap<String, Integer>>() {
                        }), instant(rows, "connected_at"), instant(rows, "disconnected_at"), instant(rows, "last_seen"),
                        rows.getLong("messages")));
            }
        } catch (SQLException | JsonProcessingException e) {
            LOG.warnf("Could not load the device sessions of the last run: %s", e.getMessage());
        }
    }

    void onActivity(@Observes DeviceActivity activity) {
        if (activity.device() == null || activity.device().startsWith("cellhub-scan-")) {
            return;
        }
        devices.compute(activity.device(), (id, known) -> apply(known, id, "broker", activity));
        dirty.add(activity.device());
    }

    /** Against an external broker, {@code <cell>/status} says whether a cell is online. */
    @Override
    public void onMessage(TopicMessage message) {
        if (embeddedBroker) {
            return;
        }
        String topic = message.topic();
        int slash = topic.indexOf('/');
        if (slash <= 0 || !topic.substring(slash + 1).equals("status")) {
            return;
        }
        String status = message.payload().text().map(s -> s.strip().toLowerCase(Locale.ROOT)).orElse("");
        Kind kind = switch (status) {
            case "online" -> Kind.CONNECTED;
            case "offline" -> Kind.DISCONNECTED;
            default -> null;
        };
        if (kind != null) {
            String cell = topic.substring(0, slash);
            devices.compute(cell, (id, known) -> apply(known, id, "status-topic",
                    new DeviceActivity(cell, kind, message.receivedAt(), null, null, null)));
            dirty.add(cell);
        }
    }

    public List<DeviceSession> list() {
        List<DeviceSession> all = new ArrayList<>(devices.values());
        all.sort(Comparator.comparing(DeviceSession::id));
        return all;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void flushPeriodically() {
        flush();
    }

    void flushOnShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        flush();
    }

    synchronized void flush() {
        if (dirty.isEmpty()) {
            return;
        }
        List<DeviceSession> batch = new ArrayList<>();
        for (String id : List.copyOf(dirty)) {
            dirty.remove(id);
            DeviceSession device = devices.get(id);
            if (device != null) {
                batch.add(device);
            }
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            for (DeviceSession device : batch) {
                upsert.setString(1, device.id());
                upsert.setString(2, device.source());
                upsert.setBoolean(3, device.online());
                upsert.setObject(4, device.cleanSession());
                upsert.setString(5, json.writeValueAsString(device.subscriptions()));
                upsert.setTimestamp(6, timestamp(device.connectedAt()));
                upsert.setTimestamp(7, timestamp(device.disconnectedAt()));
                upsert.setTimestamp(8, timestamp(device.lastSeen()));
                upsert.setLong(9, device.messages());
                upsert.addBatch();
            }
            upsert.executeBatch();
        } catch (SQLException | JsonProcessingException e) {
            batch.forEach(device -> dirty.add(device.id()));
            LOG.warnf("Could not write %d device session(s), trying again: %s", batch.size(), e.getMessage());
        }
    }

    private static DeviceSession apply(DeviceSession known, String id, String source, DeviceActivity activity) {
        DeviceSession d = known != null ? known
                : new DeviceSession(id, source, false, null, Map.of(), null, null, activity.at(), 0);
        Map<String, Integer> subscriptions = d.subscriptions();
        return switch (activity.kind()) {
            case CONNECTED -> new DeviceSession(id, source, true,
                    activity.cleanSession() != null ? activity.cleanSession() : d.cleanSession(),
                    Boolean.TRUE.equals(activity.cleanSession()) ? Map.of() : subscriptions, activity.at(), d.disconnectedAt(),
                    activity.at(), d.messages());
            case DISCONNECTED -> new DeviceSession(id, source, false, d.cleanSession(),
                    Boolean.TRUE.equals(d.cleanSession()) ? Map.of() : subscriptions, d.connectedAt(), activity.at(),
                    activity.at(), d.messages());
            case SUBSCRIBED -> {
                Map<String, Integer> more = new LinkedHashMap<>(subscriptions);
                more.put(activity.filter(), activity.qos());
                yield new DeviceSession(id, source, d.online(), d.cleanSession(), Map.copyOf(more), d.connectedAt(),
                        d.disconnectedAt(), activity.at(), d.messages());
            }
            case UNSUBSCRIBED -> {
                Map<String, Integer> fewer = new LinkedHashMap<>(subscriptions);
                fewer.remove(activity.filter());
                yield new DeviceSession(id, source, d.online(), d.cleanSession(), Map.copyOf(fewer), d.connectedAt(),
                        d.disconnectedAt(), activity.at(), d.messages());
            }
            case PUBLISHED -> new DeviceSession(id, source, d.online(), d.cleanSession(), subscriptions, d.connectedAt(),
                    d.disconnectedAt(), activity.at(), d.messages() + 1);
        };
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        Timestamp value = rows.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
