package io.cellhub.security;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Login on, with one viewer and one operator. */
public class SecuredProfile implements QuarkusTestProfile {

    static final String VIEWER = "vera";
    static final String VIEWER_PASSWORD = "vera-viewer-pw";
    static final String OPERATOR = "otto";
    static final String OPERATOR_PASSWORD = "otto-operator-pw";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cellhub.security.enabled", "true",
                "cellhub.security.users." + VIEWER + ".role", "viewer",
                "cellhub.security.users." + VIEWER + ".password", VIEWER_PASSWORD,
                "cellhub.security.users." + OPERATOR + ".role", "operator",
                "cellhub.security.users." + OPERATOR + ".password-hash", PasswordHash.hash(OPERATOR_PASSWORD));
    }
}
