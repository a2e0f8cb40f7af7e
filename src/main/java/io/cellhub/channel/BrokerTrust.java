package io.cellhub.channel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;

import javax.net.ssl.TrustManagerFactory;

/** The CA certificates of {@code cellhub.mqtt.ssl.truststore.*}, as a trust manager for the MQTT client. */
final class BrokerTrust {

    private BrokerTrust() {
    }

    static TrustManagerFactory of(MqttSettings.Truststore store) {
        Path file = Path.of(store.location());
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore keys;
            String type = store.type().orElse("pem");
            switch (type.toLowerCase(Locale.ROOT)) {
                case "pem" -> {
                    keys = KeyStore.getInstance(KeyStore.getDefaultType());
                    keys.load(null, null);
                    int i = 0;
                    for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        keys.setCertificateEntry("ca-" + i++, certificate);
                    }
                    if (i == 0) {
                        throw new IllegalStateException("cellhub.mqtt.ssl.truststore.location " + file.toAbsolutePath()
                                + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
                    }
                }
                case "jks", "pkcs12" -> {
                    keys = KeyStore.getInstance(type.toUpperCase(Locale.ROOT));
                    keys.load(in, store.password().map(String::toCharArray).orElse(null));
                }
                default -> throw new IllegalStateException("cellhub.mqtt.ssl.truststore.type is '" + type
                        + "'; use pem, jks or pkcs12");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read the broker's CA certificates from cellhub.mqtt.ssl.truststore.location "
                    + file.toAbsolutePath() + " (" + store.type().orElse("pem") + "): " + e.getMessage(), e);
        }
    }
}
