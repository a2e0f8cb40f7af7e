package io.cellhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cellhub.CellHubConfig;

/** Users from config, and the operator CellHub creates when none is configured. */
class UserDirectoryTest {

    @TempDir
    Path dataDir;

    @Test
    void withoutAnOperatorOneIsCreatedOnceAndItsHashKept() throws Exception {
        new UserDirectory(config(Map.of()), new DataDir(dataDir));
        Path hashFile = dataDir.resolve("security/operator.hash");
        assertThat(hashFile).exists();
        String hash = Files.readString(hashFile);
        assertThat(hash).startsWith("pbkdf2-sha256$");

        UserDirectory again = new UserDirectory(config(Map.of()), new DataDir(dataDir));
        assertThat(Files.readString(hashFile)).as("the second start keeps the first password").isEqualTo(hash);
        assertThat(again.role(UserDirectory.GENERATED_OPERATOR)).contains(Role.OPERATOR);
        assertThat(again.authenticate(UserDirectory.GENERATED_OPERATOR, "guess")).isEmpty();
    }

    @Test
    void configuredOperatorMeansNoGeneratedOne() {
        UserDirectory users = new UserDirectory(config(Map.of("ada", user(Role.OPERATOR, PasswordHash.hash("s3cret")))),
                new DataDir(dataDir));
        assertThat(dataDir.resolve("security/operator.hash")).doesNotExist();
        assertThat(users.authenticate("ada", "s3cret")).contains(Role.OPERATOR);
        assertThat(users.authenticate("ada", "S3cret")).isEmpty();
        assertThat(users.authenticate("nobody", "s3cret")).isEmpty();
    }

    @Test
    void passwordHashesMatchOnlyTheirPassword() {
        String hash = PasswordHash.hash("correct horse");
        assertThat(PasswordHash.matches("correct horse", hash)).isTrue();
        assertThat(PasswordHash.matches("correct horse ", hash)).isFalse();
        assertThat(PasswordHash.hash("correct horse")).as("salted").isNotEqualTo(hash);
    }

    private static SecurityConfig.User user(Role role, String hash) {
        return new SecurityConfig.User() {
            @Override
            public Role role() {
                return role;
            }

            @Override
            public Optional<String> passwordHash() {
                return Optional.of(hash);
            }

            @Override
            public Optional<String> password() {
                return Optional.empty();
            }
        };
    }

    private static SecurityConfig config(Map<String, SecurityConfig.User> users) {
        return new SecurityConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Map<String, User> users() {
                return users;
            }

            @Override
            public Duration sessionTimeout() {
                return Duration.ofHours(8);
            }

            @Override
            public CookieSecure cookieSecure() {
                return CookieSecure.AUTO;
            }
        };
    }

    /** The one setting {@link UserDirectory} reads from {@link CellHubConfig}. */
    private record DataDir(Path dataDir) implements CellHubConfig {
        @Override
        public boolean embeddedParts() {
            return true;
        }
    }
}
