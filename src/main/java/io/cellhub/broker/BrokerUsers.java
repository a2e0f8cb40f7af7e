package io.cellhub.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

import io.cellhub.security.PasswordHash;

/**
 * Who may connect to the embedded broker: the users of {@code cellhub.broker.password-file} and,
 * when {@code cellhub.broker.allow-anonymous} is on, clients without credentials. Each line of the
 * file is {@code <username>:<hash>}, the hash either the SHA-256 of the password in hex (the format
 * CellHub has always read) or a {@code pbkdf2-sha256$...} hash from {@code PasswordHash}. A user who
 * connected may publish and subscribe to every topic, as before.
 */
final class BrokerUsers implements ActiveMQSecurityManager5 {


    private final Map<String, String> hashes;
    private final boolean allowAnonymous;

    private BrokerUsers(Map<String, String> hashes, boolean allowAnonymous) {
        this.hashes = Map.copyOf(hashes);
        this.allowAnonymous = allowAnonymous;
    }

    /** The users of the file, if any; anonymous clients as {@code allowAnonymous} says. */
    static BrokerUsers from(Optional<Path> passwordFile, boolean allowAnonymous) {
        Map<String, String> hashes = new HashMap<>();
        passwordFile.ifPresent(file -> read(file, hashes));
        return new BrokerUsers(hashes, allowAnonymous);
    }

    /** Whether the broker needs to ask at all: not when everyone may connect and nobody has a password. */
    boolean checksCredentials() {
        return !allowAnonymous || !hashes.isEmpty();
    }

    private static void read(Path file, Map<String, String> hashes) {
        try {
            int number = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                number++;
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                int colon = entry.indexOf(':');
                if (colon <= 0 || colon == entry.length() - 1) {
                    throw new IllegalStateException(unreadable(file) + ": line " + number + " is not <username>:<hash>.");
                }
                hashes.put(entry.substring(0, colon), entry.substring(colon + 1));
            }
        } catch (IOException e) {
            throw new IllegalStateException(unreadable(file) + " (" + e.getMessage() + ").", e);
        }
    }

    private static String unreadable(Path file) {
        return "cellhub.broker.password-file " + file.toAbsolutePath() + " cannot be read. Each line is "
                + "<username>:<sha256 of the password in hex>, for example made with: "
                + "printf '%s:%s\\n' device \"$(printf %s secret | sha256sum | cut -d' ' -f1)\"";
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        if (user == null || user.isEmpty()) {
            return allowAnonymous ? subject("anonymous") : null;
        }
        String hash = hashes.get(user);
        return hash != null && password != null && matches(password, hash) ? subject(user) : null;
    }

    private static boolean matches(String password, String hash) {
        if (hash.startsWith("pbkdf2-")) {
            return PasswordHash.matches(password, hash);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII),
                    hash.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Artemis takes only its own principal classes in a subject. */
    private static Subject subject(String user) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        return subject;
    }

    /** Every connected client may publish and subscribe to every topic. */
    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        return subject != null;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return authenticate(user, password, null, null) != null;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return validateUser(user, password);
    }
}
