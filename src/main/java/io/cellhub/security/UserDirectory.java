package io.cellhub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import org.jboss.logging.Logger;

import io.cellhub.CellHubConfig;

/**
 * The users from {@code cellhub.security.users}. When none of them is an operator, CellHub creates
 * the user {@code operator} with a random password at first start, logs the password once, and keeps
 * only its hash in {@code <data-dir>/security/operator.hash}, so later starts reuse it silently.
 */
@Startup
@ApplicationScoped
public class UserDirectory {

    static final String GENERATED_OPERATOR = "operator";
    private static final long VERIFIED_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
    private static final Logger LOG = Logger.getLogger(UserDirectory.class);
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /** A user as checked at login: a hash, or for test users a clear-text password. */
    record Account(Role role, Optional<String> passwordHash, Optional<String> password) {
    }

    private final Map<String, Account> accounts = new HashMap<>();
    /** Recently verified username/password digests, so HTTP Basic scripts do not pay PBKDF2 per request. */
    private final Map<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();

    private record Verified(Role role, long until) {
    }

    /** A hash made once, on first need, for the PBKDF2 run an unknown username costs. */
    private static final class NotAUser {
        static final String HASH = PasswordHash.hash("not-a-user");
    }

    public UserDirectory(SecurityConfig config, CellHubConfig cellhub) {
        config.users().forEach((name, user) -> {
            if (user.passwordHash().isEmpty() && user.password().isEmpty()) {
                throw new IllegalStateException("User '" + name + "' has no password: set cellhub.security.users." + name
                        + ".password-hash (java -cp 'target/quarkus-app/app/*' io.cellhub.security.PasswordHash <password>)");
            }
            accounts.put(name, new Account(user.role(), user.passwordHash(), user.password()));
        });
        if (config.enabled() && accounts.values().stream().noneMatch(a -> a.role() == Role.OPERATOR)) {
            accounts.put(GENERATED_OPERATOR, new Account(Role.OPERATOR,
                    Optional.of(generatedOperatorHash(cellhub.dataDir().resolve("security").resolve("operator.hash"))),
                    Optional.empty()));
        }
    }

    /** The user's role when the password is right. */
    public Optional<Role> authenticate(String username, String password) {
        Account account = accounts.get(username);
        if (account == null) {
            // Same work as for a real user, so timing does not tell which names exist.
            PasswordHash.matches(password, NotAUser.HASH);
            return Optional.empty();
        }
        String key = username + '\u0000' + sha256(password);
        Verified known = verified.get(key);
        long now = System.nanoTime();
        if (known != null && known.until() - now > 0) {
            return Optional.of(known.role());
        }
        boolean matches = account.passwordHash().map(hash -> PasswordHash.matches(password, hash))
                .orElseGet(() -> java.security.MessageDigest.isEqual(
                        account.password().orElseThrow().getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8)));
        if (!matches) {
            return Optional.empty();
        }
        if (verified.size() > 1_000) {
            verified.clear();
        }
        verified.put(key, new Verified(account.role(), now + VERIFIED_NANOS));
        return Optional.of(account.role());
    }

    /** The role of a known user, for a session whose password was checked at login. */
    public Optional<Role> role(String username) {
        return Optional.ofNullable(accounts.get(username)).map(Account::role);
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String generatedOperatorHash(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(file.getParent());
            SecureRandom random = new SecureRandom();
            StringBuilder password = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            Files.writeString(file, PasswordHash.hash(password.toString()) + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            LOG.warnf("No operator is configured, so CellHub created one. Log in as 'operator' with password %s "
                    + "(shown only this once; its hash is in %s). Configure your own users with "
                    + "cellhub.security.users.<name>.password-hash and .role, then delete that file.", password, file);
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or create the operator password file " + file, e);
        }
    }
}
