package io.cellhub.security;

import java.util.HashMap;
import java.util.Map;

/** {@link SecuredProfile} behind a TLS-terminating proxy that Quarkus is told to trust. */
public class ProxiedProfile extends SecuredProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("quarkus.http.proxy.proxy-address-forwarding", "true");
        overrides.put("quarkus.http.proxy.allow-x-forwarded", "true");
        return overrides;
    }
}
