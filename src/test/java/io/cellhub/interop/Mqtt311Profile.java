package io.cellhub.interop;

import java.util.HashMap;
import java.util.Map;

/** CellHub against Debian's Mosquitto, insisting on MQTT 3.1.1 as it would with an older broker. */
public class Mqtt311Profile extends ExternalMosquittoProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("cellhub.mqtt.protocol", "3.1.1");
        return overrides;
    }
}
