package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;

/** The shared data directory for tests: required on CI (CI=true), skipped with a reason elsewhere. */
public final class TestData {
  private TestData() {}

  public static Path require(String child) {
    Optional<Path> dir = DataDirectory.find(null, child);
    if (dir.isEmpty()) {
      String why = "data directory with " + child + "/ not found (--data-dir, $SHIQ_DATA or ../shared/data)";
      if (System.getenv("CI") != null) {
        fail(why);
      }
      assumeTrue(false, why);
    }
    return dir.get();
  }
}
