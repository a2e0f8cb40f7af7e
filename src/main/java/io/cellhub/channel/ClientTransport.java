package io.cellhub.channel;

import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttClientBuilderBase;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;

import io.reactivex.Scheduler;
import io.reactivex.schedulers.Schedulers;

/**
 * Where and how a HiveMQ MQTT client of CellHub's connects: the broker's address, TLS, the network
 * threads (shared by all of CellHub's clients: the HiveMQ client keeps one event loop group per
 * executor, here its default one, sized by the first client), the thread its callbacks run on, and
 * flushes batched per read ({@link ClientChannel#batchFlushes}).
 */
final class ClientTransport {

    /**
     * Callbacks (received messages, completed publishes) run on the client's own network thread, as
     * they arrive, instead of hopping to RxJava's computation pool: CellHub's code on that path never
     * blocks, and the hop would cost a task and a context switch per message.
     */
    static final Scheduler ON_NETWORK_THREAD = Schedulers.from(Runnable::run);

    private ClientTransport() {
    }

    static <B extends MqttClientBuilderBase<B>> B configure(B builder, MqttSettings settings, String clientId) {
        // TLS goes into the transport configuration itself: HiveMQ's client 1.4.0 ignores a
        // builder.sslConfig(config) that follows transportConfig() (MqttRxClientBuilderBase keeps the
        // transport configuration it built first), and would connect in plain text.
        var transport = builder.identifier(clientId).transportConfig()
                .serverHost(settings.host())
                .serverPort(settings.port())
                .socketConnectTimeout(10, TimeUnit.SECONDS).mqttConnectTimeout(10, TimeUnit.SECONDS);
        if (settings.ssl().enabled()) {
            transport.sslConfig(tls(settings.ssl()));
        }
        return transport.applyTransportConfig()
                .addConnectedListener(context -> ClientChannel.batchFlushes(context.getClientConfig()))
                .executorConfig().applicationScheduler(ON_NETWORK_THREAD).nettyThreads(settings.networkThreads())
                .applyExecutorConfig();
    }

    private static MqttClientSslConfig tls(MqttSettings.Tls tls) {
        MqttClientSslConfigBuilder ssl = MqttClientSslConfig.builder();
        tls.truststore().ifPresent(store -> ssl.trustManagerFactory(BrokerTrust.of(store)));
        if ("NONE".equalsIgnoreCase(tls.hostnameVerificationAlgorithm())) {
            ssl.hostnameVerifier((host, session) -> true);
        }
        return ssl.build();
    }
}
