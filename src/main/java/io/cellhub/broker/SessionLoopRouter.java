package io.cellhub.broker;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;

import org.jboss.logging.Logger;

import io.moquette.broker.Server;

/**
 * Runs an action on the Moquette session loop that owns a client's session. Moquette 0.17 changes a
 * session only on that loop; its public {@code Server.disconnectAndPurgeClientState} does not, and
 * called from another thread it races with the loop (a null connection there kills the loop). The
 * loop's router is internal and is reached by reflection; without it the action runs on the calling
 * thread, as before.
 */
final class SessionLoopRouter {

    private static final Logger LOG = Logger.getLogger(SessionLoopRouter.class);

    private SessionLoopRouter() {
    }

    static void run(Server server, String clientId, String description, Runnable action) {
        Callable<String> contained = () -> {
            runContained(clientId, description, action);
            return null;
        };
        try {
            Object postOffice = MoquetteFields.read(server, "dispatcher");
            Method route = postOffice.getClass().getDeclaredMethod("routeCommand", String.class, String.class, Callable.class);
            route.setAccessible(true);
            route.invoke(postOffice, clientId, description, contained);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("Cannot reach Moquette's session loops (%s); running '%s' for '%s' on the calling thread", e, description,
                    clientId);
            runContained(clientId, description, action);
        }
    }

    /** Thrown out of a session loop command, an exception would end the loop. */
    private static void runContained(String clientId, String description, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Embedded broker: %s for '%s' failed", description, clientId);
        }
    }
}
