package io.cellhub.broker;

import java.util.Optional;

import org.jboss.logging.Logger;

import io.moquette.broker.ISubscriptionsRepository;
import io.moquette.broker.Server;

/**
 * The subscriptions the embedded broker keeps for persistent sessions in its own store: what a client
 * that reconnects to its kept session is subscribed to without sending SUBSCRIBE again.
 */
final class StoredSubscriptions {

    private static final Logger LOG = Logger.getLogger(StoredSubscriptions.class);

    private StoredSubscriptions() {
    }

    /** A filter the broker holds for the client, if any; empty too when Moquette's store cannot be reached. */
    static Optional<String> filterOf(Server server, String clientId) {
        try {
            Object postOffice = MoquetteFields.read(server, "dispatcher");
            Object directory = MoquetteFields.read(postOffice, "subscriptions");
            ISubscriptionsRepository repository = (ISubscriptionsRepository) MoquetteFields.read(directory,
                    "subscriptionsRepository");
            return repository.listAllSubscriptions().stream().filter(s -> clientId.equals(s.getClientId()))
                    .map(s -> s.getTopicFilter().toString()).findFirst();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf("Cannot read the embedded broker's stored subscriptions (%s)", e);
            return Optional.empty();
        }
    }
}
