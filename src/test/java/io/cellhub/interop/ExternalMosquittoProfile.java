package io.cellhub.interop;

import java.util.List;
import java.util.Map;

import io.cellhub.support.FreePort;
import io.cellhub.support.Mosquitto;
import io.cellhub.support.MqttTestClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * CellHub with the embedded broker off, against Debian's Mosquitto. The publish backlog is small, so
 * that a burst makes CellHub hold its ingest often (back-pressure exercised by every test here).
 */
public class ExternalMosquittoProfile implements QuarkusTestProfile {

    static Mosquitto mosquitto;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("cellhub.broker.embedded", "false", "cellhub.retained.scan-every", "1s",
                "cellhub.publish.backlog", "64");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MosquittoResource.class));
    }

    public static class MosquittoResource implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            mosquitto = new Mosquitto(FreePort.find()).start();
            // Held by the broker before CellHub starts: CellHub must learn it as retained.
            try (MqttTestClient device = MqttTestClient.connect(mosquitto.port(), "mosq-before-start")) {
                device.publish("robotcell7/temperature2", "26", 1, true);
            }
            return Map.of(
                    "cellhub.mqtt.host", "127.0.0.1",
                    "cellhub.mqtt.port", String.valueOf(mosquitto.port()));
        }

        @Override
        public void stop() {
            mosquitto.stop();
        }
    }
}
