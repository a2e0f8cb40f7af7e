package io.cellhub.broker;

import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;

/**
 * Refuses subscriptions to filters deeper than {@link #MAX_LEVELS} levels, with a SUBACK failure
 * code, as Mosquitto does. Moquette 0.17 stores a filter with one recursive call per level on a
 * session loop: a filter of a few thousand levels overflows that thread's stack and kills the loop,
 * and with it every client bound to it. Publishing stays open: a deep topic only recurses as deep as
 * the subscriptions it meets.
 */
final class TopicDepthLimit implements IAuthorizatorPolicy {

    static final int MAX_LEVELS = 200;

    @Override
    public boolean canWrite(Topic topic, String user, String client) {
        return true;
    }

    @Override
    public boolean canRead(Topic topic, String user, String client) {
        return topic.getTokens().size() <= MAX_LEVELS;
    }
}
