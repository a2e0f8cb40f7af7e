package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;

import io.cellhub.support.MqttTestClient;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;

/** What the broker tests share: a bare Moquette on loopback, and a check that every session loop serves. */
final class SessionLoops {

    private SessionLoops() {
    }

    /** A persistent, anonymous Moquette on 127.0.0.1:{@code port} with its store in {@code dataDir}. */
    static IConfig moquetteConfig(int port, Path dataDir) {
        Properties properties = new Properties();
        properties.setProperty("host", "127.0.0.1");
        properties.setProperty("port", String.valueOf(port));
        properties.setProperty("websocket_port", "disabled");
        properties.setProperty("allow_anonymous", "true");
        properties.setProperty("persistence_enabled", "true");
        properties.setProperty("data_path", dataDir.toString());
        properties.setProperty("telemetry_enabled", "false");
        return new MemoryConfig(properties);
    }

    /**
     * A QoS 1 publish is acknowledged and delivered for client ids that land on different session loops.
     * The subscribers take QoS 0: a subscriber's PUBACK can kill a Moquette 0.17 loop itself.
     */
    static void assertEveryLoopServes(int port, String topicPrefix) {
        for (int i = 0; i < 4; i++) {
            try (MqttTestClient subscriber = MqttTestClient.connect(port, topicPrefix + "-sub-" + i);
                    MqttTestClient publisher = MqttTestClient.connect(port, topicPrefix + "-pub-" + i)) {
                subscriber.subscribe(topicPrefix + "/" + i, 0);
                publisher.publishAcknowledged(topicPrefix + "/" + i, "v" + i);
                assertThat(subscriber.next(topicPrefix + "/" + i).payload()).isEqualTo("v" + i);
            }
        }
    }
}
