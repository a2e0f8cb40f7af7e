package io.cellhub.broker;

import java.util.function.Consumer;

import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptExceptionMessage;

/**
 * Reports a Moquette session loop that died. In Moquette 0.17 one command that throws ends its
 * session loop thread for good (moquette-io/moquette#871, #933): every client whose id hashes to that
 * loop can still connect, but its subscriptions, QoS 1 acknowledgements and deliveries stop, and so
 * do QoS 1 publishes of anyone to topics it subscribed. Moquette calls this on the dying thread.
 */
final class SessionLoopWatchdog extends AbstractInterceptHandler {

    private final Consumer<Throwable> loopDied;

    SessionLoopWatchdog(Consumer<Throwable> loopDied) {
        this.loopDied = loopDied;
    }

    @Override
    public String getID() {
        return "cellhub-session-loop-watchdog";
    }

    @Override
    public Class<?>[] getInterceptedMessageTypes() {
        return new Class<?>[] { InterceptExceptionMessage.class };
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        loopDied.accept(error);
    }
}
