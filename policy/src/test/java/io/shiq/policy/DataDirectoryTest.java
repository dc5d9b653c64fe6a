package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data-directory lookup and the phrase that tells a user where it looked. */
class DataDirectoryTest {
  @Test
  void anExplicitDirectoryIsUsedAndNamedWhenTheModelIsMissing(@TempDir Path dir) throws Exception {
    assertTrue(DataDirectory.find(dir, "stories260k").isEmpty());
    assertEquals("--data-dir " + dir.toAbsolutePath().normalize() + " has no stories260k/",
        DataDirectory.searched(dir, "stories260k"));
    Files.createDirectories(dir.resolve("stories260k"));
    assertEquals(dir.resolve("stories260k"), DataDirectory.find(dir, "stories260k").orElseThrow());
  }

  @Test
  void withoutAnExplicitDirectoryThePhraseNamesTheOtherPlaces() {
    String phrase = DataDirectory.searched(null, "stories260k");
    assertTrue(phrase.contains(DataDirectory.ENV), phrase);
    if (System.getenv(DataDirectory.ENV) == null) {
      assertTrue(phrase.contains("shared"), phrase);
    }
  }
}
