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

  /**
   * Where {@link #find(Path, String)} looked for {@code child}, in one phrase for a message: the places in the order
   * they are tried and what was (not) there.
   */
  public static String searched(Path explicit, String child) {
    if (explicit != null) {
      return "--data-dir " + explicit.toAbsolutePath().normalize() + " has no " + child + "/";
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return ENV + "=" + env + " has no " + child + "/";
    }
    StringBuilder sb = new StringBuilder("no --data-dir, no $" + ENV + ", and ");
    Optional<Path> shared = find(null);
    if (shared.isPresent()) {
      sb.append(shared.get()).append(" has no ").append(child).append('/');
    } else {
      sb.append("neither ").append(Path.of("..", "shared", "data").toAbsolutePath().normalize()).append(" nor ")
          .append(Path.of("..", "..", "shared", "data").toAbsolutePath().normalize()).append(" exists");
    }
    return sb.toString();
  }

  /** A sub-directory of the data directory (e.g. {@code stories260k}), or empty when absent. */
  public static Optional<Path> find(Path explicit, String child) {
    return find(explicit).map(d -> d.resolve(child)).filter(Files::isDirectory);
  }
}
