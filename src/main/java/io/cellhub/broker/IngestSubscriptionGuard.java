package io.cellhub.broker;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import io.moquette.interception.messages.InterceptSubscribeMessage;
import io.vertx.core.Vertx;

/**
 * Makes sure CellHub's own ingest session really holds its subscription on the embedded broker.
 * <p>
 * Moquette 0.17 marks a connection usable only after the CONNACK write completes, and silently
 * drops a SUBSCRIBE that arrives before that ("SUBSCRIBE received on already closed connection").
 * The SmallRye connector subscribes the instant CONNACK arrives, and when the broker reports an
 * existing session it does not subscribe at all. So: when the ingest client connects and no
 * subscription from it follows within {@link #GRACE_MILLIS}, its broker-side session is purged and
 * the connection dropped (on the session's own loop: {@link SessionLoopRouter}). The connector
 * reconnects, finds no session and subscribes again, which also makes the broker re-send the retained
 * messages.
 * <p>
 * A session the broker kept together with its subscription (CellHub restarted; the broker's store
 * holds both) counts as subscribed at once. Without that, every restart waited out the grace, purged
 * the session and reconnected: about 4 s more before CellHub was ready.
 */
final class IngestSubscriptionGuard extends AbstractInterceptHandler {

    static final long GRACE_MILLIS = 2_000;

    private static final Logger LOG = Logger.getLogger(IngestSubscriptionGuard.class);
    private static final int MAX_ATTEMPTS = 5;

    private final Vertx vertx;
    private final String ingestClientId;
    private final Consumer<String> purgeSession;
    private final Function<String, Optional<String>> storedFilter;
    private final Consumer<IngestSubscribed> subscribed;
    private final AtomicLong connectGeneration = new AtomicLong();
    private final AtomicLong subscribedGeneration = new AtomicLong(-1);
    private final AtomicLong attempts = new AtomicLong();

    /**
     * @param storedFilter a filter the broker already holds for a client's kept session, if any
     */
    IngestSubscriptionGuard(Vertx vertx, String ingestClientId, Consumer<String> purgeSession,
            Function<String, Optional<String>> storedFilter, Consumer<IngestSubscribed> subscribed) {
        this.vertx = vertx;
        this.ingestClientId = ingestClientId;
        this.purgeSession = purgeSession;
        this.storedFilter = storedFilter;
        this.subscribed = subscribed;
    }

    @Override
    public String getID() {
        return "cellhub-ingest-subscription-guard";
    }

    @Override
    public Class<?>[] getInterceptedMessageTypes() {
        return new Class<?>[] { InterceptConnectMessage.class, InterceptSubscribeMessage.class };
    }

    @Override
    public void onConnect(InterceptConnectMessage msg) {
        if (!ingestClientId.equals(msg.getClientID())) {
            return;
        }
        long generation = connectGeneration.incrementAndGet();
        Optional<String> kept = msg.isCleanSession() ? Optional.empty() : storedFilter.apply(ingestClientId);
        if (kept.isPresent()) {
            LOG.infof("Ingest session '%s' holds its subscription to '%s' in the broker's store", ingestClientId, kept.get());
            subscribedGeneration.set(generation);
            attempts.set(0);
            subscribed.accept(new IngestSubscribed(ingestClientId, kept.get()));
            return;
        }
        vertx.setTimer(GRACE_MILLIS, t -> {
            if (subscribedGeneration.get() >= generation || connectGeneration.get() != generation) {
                return;
            }
            if (attempts.incrementAndGet() > MAX_ATTEMPTS) {
                LOG.errorf("The ingest session '%s' still holds no subscription after %d reconnects; CellHub receives "
                        + "nothing until it is restarted.", ingestClientId, MAX_ATTEMPTS);
                return;
            }
            LOG.infof("Ingest session '%s' connected without subscribing (the broker kept its session, or dropped the "
                    + "SUBSCRIBE); purging the session so that the connector subscribes afresh", ingestClientId);
            purgeSession.accept(ingestClientId);
        });
    }

    @Override
    public void onSubscribe(InterceptSubscribeMessage msg) {
        if (ingestClientId.equals(msg.getClientID())) {
            subscribedGeneration.set(connectGeneration.get());
            attempts.set(0);
            subscribed.accept(new IngestSubscribed(msg.getClientID(), msg.getTopicFilter()));
        }
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        // SessionLoopWatchdog reports it
    }
}
