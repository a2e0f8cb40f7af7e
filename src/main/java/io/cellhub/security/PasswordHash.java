package io.cellhub.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64), from the JDK alone.
 * {@code java -cp 'target/quarkus-app/app/*' io.cellhub.security.PasswordHash <password>} prints one
 * for {@code cellhub.security.users.<name>.password-hash}. New hashes use {@link #ITERATIONS} (OWASP's
 * 2023 figure for PBKDF2-HMAC-SHA256); a hash is always checked with the iteration count it carries,
 * so hashes made with fewer (210,000 before) keep verifying.
 */
public final class PasswordHash {

    static final String SCHEME = "pbkdf2-sha256";
    /** Iterations of every new hash: OWASP's Password Storage Cheat Sheet asks for 600,000 or more. */
    public static final int ITERATIONS = 600_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return SCHEME + "$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(password, salt, ITERATIONS));
    }

    /** @throws IllegalArgumentException when {@code hash} is not in this format */
    public static boolean matches(String password, String hash) {
        String[] parts = parts(hash);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = derive(password, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    /** The iteration count {@code hash} was made with. */
    static int iterations(String hash) {
        return Integer.parseInt(parts(hash)[1]);
    }

    private static String[] parts(String hash) {
        String[] parts = hash.split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("Not a " + SCHEME + " password hash. Create one with: java -cp "
                    + "'target/quarkus-app/app/*' io.cellhub.security.PasswordHash <password>");
        }
        return parts;
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        }
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java -cp 'target/quarkus-app/app/*' io.cellhub.security.PasswordHash <password>");
            System.exit(2);
        }
        System.out.println(hash(args[0]));
    }
}
