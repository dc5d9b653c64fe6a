package io.shiq.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where shiq finds models and datasets: {@code --data-dir}, then the {@code SHIQ_DATA} environment variable, then
 * {@code ../shared/data} when it exists. Nothing under it is ever committed to the project.
 */
public final class DataDirectory {
  public static final String ENV = "SHIQ_DATA";

  private DataDirectory() {}

  /** The data directory, or empty when none of the three places gives one. */
  public static Optional<Path> find(Path explicit) {
    if (explicit != null) {
      if (!Files.isDirectory(explicit)) {
        throw new IllegalArgumentException("--data-dir " + explicit + " is not a directory");
      }
      return Optional.of(explicit);
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      if (!Files.isDirectory(p)) {
        throw new IllegalArgumentException(ENV + "=" + env + " is not a directory");
      }
      return Optional.of(p);
    }
    for (Path candidate : new Path[] {Path.of("..", "shared", "data"), Path.of("..", "..", "shared", "data")}) {
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate.toAbsolutePath().normalize());
      }
    }
    return Optional.empty();
  }

  /** A sub-directory of the data directory (e.g. {@code stories260k}), or empty when absent. */
  public static Optional<Path> find(Path explicit, String child) {
    return find(explicit).map(d -> d.resolve(child)).filter(Files::isDirectory);
  }
}
