package io.cellhub.channel;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.reactivestreams.Subscription;

import com.hivemq.client.mqtt.exceptions.MqttSessionExpiredException;

import io.reactivex.Flowable;
import io.reactivex.FlowableSubscriber;

/**
 * Every message a HiveMQ client receives, of either MQTT version, handed to one receiver on the
 * client's network thread as a {@link ReceivedPublish} (which the receiver acknowledges).
 * <p>
 * The client ends the flow with its session (a clean session's connection closed, or a reconnect
 * that found no session); a new flow takes over before anything can arrive for the new session, which
 * has no subscription until the connection makes it.
 *
 * @param <P> the client's publish type ({@code Mqtt3Publish} or {@code Mqtt5Publish})
 */
final class PublishFlow<P> implements FlowableSubscriber<P> {

    private final Supplier<Flowable<P>> publishes;
    private final Function<P, ReceivedPublish> convert;
    private final Consumer<ReceivedPublish> receiver;

    private PublishFlow(Supplier<Flowable<P>> publishes, Function<P, ReceivedPublish> convert, Consumer<ReceivedPublish> receiver) {
        this.publishes = publishes;
        this.convert = convert;
        this.receiver = receiver;
    }

    /**
     * Subscribes to {@code publishes} (the client's publishes with manual acknowledgement), now and
     * again after each end of a session. Call it before the first CONNECT, so that what a kept session
     * delivers at once is not missed.
     */
    static <P> void listen(Supplier<Flowable<P>> publishes, Function<P, ReceivedPublish> convert, Consumer<ReceivedPublish> receiver) {
        publishes.get().subscribe(new PublishFlow<>(publishes, convert, receiver));
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(P publish) {
        receiver.accept(convert.apply(publish));
    }

    @Override
    public void onError(Throwable failure) {
        if (failure instanceof MqttSessionExpiredException) {
            listen(publishes, convert, receiver);
        }
    }

    @Override
    public void onComplete() {
    }
}
