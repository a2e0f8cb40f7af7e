package io.cellhub.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The embedded broker's settings for tests: CellHub's defaults on a given address. */
final class TestBrokerConfig {

    private TestBrokerConfig() {
    }

    /** CellHub's defaults (1 MiB messages, 64 MiB of memory, anonymous clients), listening on {@code host:port}. */
    static BrokerConfig defaults(String host, int port) {
        return new BrokerConfig() {
            @Override
            public boolean embedded() {
                return true;
            }

            @Override
            public String host() {
                return host;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public int maxMessageSize() {
                return 1_048_576;
            }

            @Override
            public long maxMemory() {
                return 64L * 1024 * 1024;
            }

            @Override
            public Duration stopTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public boolean allowAnonymous() {
                return true;
            }

            @Override
            public Optional<Path> passwordFile() {
                return Optional.empty();
            }

            @Override
            public Optional<Integer> sessionQueueSize() {
                return Optional.empty();
            }

            @Override
            public Optional<Integer> writeBufferSize() {
                return Optional.empty();
            }
        };
    }
}
