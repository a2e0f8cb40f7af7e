package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.cellhub.security.PasswordHash;
import io.cellhub.support.ScratchSpace;

/** Who may connect to the embedded broker, from its password file and the anonymous switch. */
class BrokerUsersTest {

    @Test
    void usersOfThePasswordFileLogInWithTheirPasswordAndNoOtherOne() throws Exception {
        BrokerUsers users = BrokerUsers.from(Optional.of(passwordFile()), false);
        assertThat(users.checksCredentials()).isTrue();
        assertThat(users.authenticate("device", "device-secret", null, null)).as("SHA-256 line").isNotNull();
        assertThat(users.authenticate("ada", "a long passphrase", null, null)).as("PBKDF2 line").isNotNull();
        assertThat(users.authenticate("device", "wrong", null, null)).isNull();
        assertThat(users.authenticate("nobody", "device-secret", null, null)).isNull();
        assertThat(users.authenticate(null, null, null, null)).as("anonymous, not allowed").isNull();
    }

    @Test
    void anonymousClientsConnectOnlyWhenAllowedAndNamedUsersStillNeedTheirPassword() throws Exception {
        BrokerUsers users = BrokerUsers.from(Optional.of(passwordFile()), true);
        assertThat(users.authenticate(null, null, null, null)).isNotNull();
        assertThat(users.authenticate("device", "wrong", null, null)).isNull();
        assertThat(BrokerUsers.from(Optional.empty(), true).checksCredentials()).as("anyone, no file").isFalse();
    }

    private static Path passwordFile() throws Exception {
        Path file = ScratchSpace.directory("cellhub-broker-users").resolve("users");
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("device-secret".getBytes(StandardCharsets.UTF_8)));
        Files.write(file, List.of("# devices", "device:" + sha256, "ada:" + PasswordHash.hash("a long passphrase")));
        return file;
    }
}
