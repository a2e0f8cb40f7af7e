package io.cellhub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.cellhub.CellHubConfig;

/**
 * The browser login: a cookie {@code user.expiry.signature}, signed with HMAC-SHA256 under a key kept
 * in {@code <data-dir>/security/session.key}, so logins survive a restart and nothing is stored per
 * session. The password is checked once, at login.
 */
@ApplicationScoped
public class SessionCookies {

    public static final String NAME = "cellhub-session";

    private final byte[] key;
    private final SecurityConfig config;

    public SessionCookies(SecurityConfig config, CellHubConfig cellhub) {
        this.config = config;
        this.key = loadKey(cellhub.dataDir().resolve("security").resolve("session.key"));
    }

    public String issue(String username) {
        String payload = encode(username) + "." + Instant.now().plus(config.sessionTimeout()).getEpochSecond();
        return payload + "." + sign(payload);
    }

    /** The user of a valid, unexpired cookie. */
    public Optional<String> verify(String cookie) {
        int last = cookie.lastIndexOf('.');
        int first = cookie.indexOf('.');
        if (first <= 0 || last <= first) {
            return Optional.empty();
        }
        String payload = cookie.substring(0, last);
        if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
                cookie.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        try {
            if (Long.parseLong(cookie.substring(first + 1, last)) < Instant.now().getEpochSecond()) {
                return Optional.empty();
            }
            return Optional.of(new String(Base64.getUrlDecoder().decode(cookie.substring(0, first)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public long maxAgeSeconds() {
        return config.sessionTimeout().toSeconds();
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private static String encode(String username) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(username.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] loadKey(Path file) {
        try {
            if (Files.exists(file)) {
                return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            }
            Files.createDirectories(file.getParent());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or create the session key " + file, e);
        }
    }
}
