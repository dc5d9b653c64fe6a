package io.shiq.schemas.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoriesTest {

  @Test
  void deletesATreeAFileOrNothing(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("root");
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("a/b/c.txt"), "c");
    Files.writeString(root.resolve("d.txt"), "d");
    Path file = Files.writeString(tmp.resolve("plain.txt"), "p");

    Directories.deleteRecursively(root);
    Directories.deleteRecursively(file);
    Directories.deleteRecursively(tmp.resolve("missing")); // no error: already gone

    assertFalse(Files.exists(root));
    assertFalse(Files.exists(file));
    assertTrue(Files.exists(tmp));
  }

  @Test
  void aLinkIsRemovedWithoutWhatItPointsTo(@TempDir Path tmp) throws Exception {
    Path kept = Files.createDirectories(tmp.resolve("kept"));
    Files.writeString(kept.resolve("x.txt"), "x");
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createSymbolicLink(root.resolve("link"), kept);

    Directories.deleteRecursively(root);

    assertFalse(Files.exists(root));
    assertTrue(Files.exists(kept.resolve("x.txt")));
  }
}
