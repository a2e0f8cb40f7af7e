package io.cellhub.broker;

import java.time.Instant;
import java.util.function.Consumer;

import io.cellhub.topic.DeviceActivity;
import io.cellhub.topic.DeviceActivity.Kind;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import io.moquette.interception.messages.InterceptConnectionLostMessage;
import io.moquette.interception.messages.InterceptDisconnectMessage;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.moquette.interception.messages.InterceptSubscribeMessage;

/** Reports every client's connects, disconnects, subscriptions and publishes on the embedded broker. */
final class DeviceActivityReporter extends AbstractInterceptHandler {

    private final Consumer<DeviceActivity> activity;

    DeviceActivityReporter(Consumer<DeviceActivity> activity) {
        this.activity = activity;
    }

    @Override
    public String getID() {
        return "cellhub-device-activity";
    }

    @Override
    public void onConnect(InterceptConnectMessage msg) {
        activity.accept(new DeviceActivity(msg.getClientID(), Kind.CONNECTED, Instant.now(), msg.isCleanSession(), null, null));
    }

    @Override
    public void onDisconnect(InterceptDisconnectMessage msg) {
        activity.accept(DeviceActivity.of(msg.getClientID(), Kind.DISCONNECTED));
    }

    @Override
    public void onConnectionLost(InterceptConnectionLostMessage msg) {
        activity.accept(DeviceActivity.of(msg.getClientID(), Kind.DISCONNECTED));
    }

    @Override
    public void onSubscribe(InterceptSubscribeMessage msg) {
        activity.accept(new DeviceActivity(msg.getClientID(), Kind.SUBSCRIBED, Instant.now(), null, msg.getTopicFilter(),
                msg.getRequestedQos().value()));
    }

    @Override
    public void onPublish(InterceptPublishMessage msg) {
        try {
            activity.accept(DeviceActivity.of(msg.getClientID(), Kind.PUBLISHED));
        } finally {
            msg.getPayload().release();
        }
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        // SessionLoopWatchdog reports it
    }
}
