package io.cellhub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** PBKDF2-HMAC-SHA256 hashes: new ones at OWASP's 2023 strength, old ones still verifying. */
class PasswordHashTest {

    /**
     * Made outside CellHub, as a hash of an earlier version would be: Python's
     * {@code hashlib.pbkdf2_hmac('sha256', b'correct horse', bytes(range(16)), 210000, 32)}.
     */
    static final String HASH_OF_210_000_ITERATIONS =
            "pbkdf2-sha256$210000$AAECAwQFBgcICQoLDA0ODw==$gxlf+Rr9C5tHYNeBy6tVTQi7bKgI2CUjXCDI6UrbXGg=";

    @Test
    void newHashesUseAtLeast600000Iterations() {
        String hash = PasswordHash.hash("correct horse");
        assertThat(hash).startsWith("pbkdf2-sha256$");
        assertThat(PasswordHash.iterations(hash)).isGreaterThanOrEqualTo(600_000);
        assertThat(PasswordHash.matches("correct horse", hash)).isTrue();
    }

    @Test
    void aHashMadeWith210000IterationsKeepsVerifyingWithTheCountItCarries() {
        assertThat(PasswordHash.iterations(HASH_OF_210_000_ITERATIONS)).isEqualTo(210_000);
        assertThat(PasswordHash.matches("correct horse", HASH_OF_210_000_ITERATIONS)).isTrue();
        assertThat(PasswordHash.matches("correct horse ", HASH_OF_210_000_ITERATIONS)).isFalse();
    }

    @Test
    void theIterationCountIsPartOfWhatIsVerified() {
        String sameSaltAndHashClaimingMoreIterations = HASH_OF_210_000_ITERATIONS.replace("$210000$", "$600000$");
        assertThat(PasswordHash.matches("correct horse", sameSaltAndHashClaimingMoreIterations)).isFalse();
    }

    @Test
    void somethingElseThanAPbkdf2HashIsRefusedWithAHint() {
        assertThatIllegalArgumentException().isThrownBy(() -> PasswordHash.matches("x", "5e884898da28047151d0e56f8dc62927"))
                .withMessageContaining("io.cellhub.security.PasswordHash");
    }
}
