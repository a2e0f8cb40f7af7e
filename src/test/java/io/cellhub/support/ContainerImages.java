package io.cellhub.support;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * CellHub's JVM image and the stand-ins for the images deploy/kubernetes names, built once per test
 * JVM by {@code scripts/image.sh --stand-ins} from this build's target/quarkus-app (the bases come
 * from the machine's cache after the first run).
 */
public final class ContainerImages {

    /** The tags image.sh built: CellHub's first, then the stand-ins. */
    public record Built(String app, List<String> standIns) {
    }

    private static Built built;

    private ContainerImages() {
    }

    /** What {@link #build()} built in this JVM, if it ran and succeeded. */
    public static synchronized Optional<Built> built() {
        return Optional.ofNullable(built);
    }

    public static synchronized Built build() {
        if (built == null) {
            long started = System.nanoTime();
            Podman.Result result = Podman.exec(List.of("scripts/image.sh", "--stand-ins"), Duration.ofMinutes(20));
            System.out.print(result.stderr());
            if (!result.ok()) {
                throw new AssertionError("scripts/image.sh --stand-ins exited with " + result.exitCode() + ":\n"
                        + result.stderr());
            }
            List<String> tags = result.stdout().lines().filter(l -> !l.isBlank()).toList();
            built = new Built(tags.get(0), tags.subList(1, tags.size()));
            System.out.printf("scripts/image.sh --stand-ins took %d s: %s%n",
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), tags);
        }
        return built;
    }
}
