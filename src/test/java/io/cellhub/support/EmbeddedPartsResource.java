package io.cellhub.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs the test app on its embedded defaults, but on a free broker port and in a fresh data
 * directory, so tests never clash with a CellHub already running on this machine.
 */
public class EmbeddedPartsResource implements QuarkusTestResourceLifecycleManager {

    public static final String BROKER_PORT = "cellhub.broker.port";

    @Override
    public Map<String, String> start() {
        return Map.of(
                BROKER_PORT, String.valueOf(FreePort.find()),
                "cellhub.data-dir", ScratchSpace.directory("cellhub-test").toString(),
                "cellhub.fleet.enabled", "false");
    }

    @Override
    public void stop() {
    }
}
