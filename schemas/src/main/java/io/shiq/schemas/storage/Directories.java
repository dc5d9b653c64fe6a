package io.shiq.schemas.storage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Directory chores shared by the modules that keep state on disk (broker data, checkpoints, demo state). */
public final class Directories {
  private Directories() {}

  /**
   * Deletes {@code root} and everything below it; nothing happens when it does not exist. A symbolic link is removed
   * as a link: what it points to is left alone (the walk does not follow links).
   */
  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc; // a child could not be listed: report that, not "directory not empty"
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
