package io.shiq.policy.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.policy.io.Llama2cCheckpoint;
import io.shiq.policy.io.ShiqCheckpoint;
import io.shiq.policy.model.LlamaConfig;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A model on disk as {@code shiq model list} shows it, read from its headers only (no weights are loaded).
 *
 * @param name         how {@code --model} names it (a repository id for the cache, a path otherwise)
 * @param path         the directory (or llama2.c file)
 * @param architecture config.json's {@code architectures[0]} (or {@code model_type}), {@code llama2c} or
 *                     {@code shiq}
 * @param vocabSize    vocabulary size, -1 when unknown
 * @param bytes        size on disk (links followed; partial downloads not counted)
 */
public record LocalModel(String name, Path path, String architecture, int vocabSize, long bytes) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What {@code path} holds, or empty when it is not a model PolicyModel.load would recognise. */
  public static Optional<LocalModel> describe(String name, Path path) {
    try {
      if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".bin")) {
        return Optional.of(llama2c(name, path, Files.size(path)));
      }
      if (!Files.isDirectory(path)) {
        return Optional.empty();
      }
      long bytes = sizeOnDisk(path);
      if (Files.isRegularFile(path.resolve(ShiqCheckpoint.CONFIG_FILE))) {
        LlamaConfig c = ShiqCheckpoint.readConfig(path);
        return Optional.of(new LocalModel(name, path, "shiq", c.vocabSize(), bytes));
      }
      if (Files.isRegularFile(path.resolve("config.json"))) {
        JsonNode c = JSON.readTree(path.resolve("config.json").toFile());
        String arch = c.path("architectures").path(0).asText(c.path("model_type").asText("?"));
        return Optional.of(new LocalModel(name, path, arch, c.path("vocab_size").asInt(-1), bytes));
      }
      List<Path> bins = new ArrayList<>();
      try (DirectoryStream<Path> s = Files.newDirectoryStream(path, "*.bin")) {
        for (Path p : s) {
          if (!p.getFileName().toString().startsWith("tok")) {
            bins.add(p);
          }
        }
      }
      return bins.size() == 1 ? Optional.of(llama2c(name, path, bytes)) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of(new LocalModel(name, path, "unreadable (" + e.getMessage() + ")", -1, -1));
    }
  }

  private static LocalModel llama2c(String name, Path path, long bytes) throws IOException {
    Path file = path;
    if (Files.isDirectory(path)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(path, "*.bin")) {
        for (Path p : s) {
          if (!p.getFileName().toString().startsWith("tok")) {
            file = p;
          }
        }
      }
    }
    return new LocalModel(name, path, "llama2c", Llama2cCheckpoint.readConfig(file).vocabSize(), bytes);
  }

  /** The models of the Hugging Face cache, one per snapshot. */
  public static List<LocalModel> inCache(HubCache cache) {
    List<LocalModel> out = new ArrayList<>();
    for (HubCache.Snapshot s : cache.snapshots()) {
      describe(s.name(), s.dir()).ifPresent(out::add);
    }
    return out;
  }

  /** The models directly under {@code dir} (a data directory). */
  public static List<LocalModel> under(Path dir) {
    List<LocalModel> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir.toAbsolutePath().normalize())) {
      children.sorted().forEach(p -> describe(p.toString(), p).ifPresent(out::add));
    } catch (IOException ignored) {
      // nothing listed
    }
    return out;
  }

  /** Bytes of the regular files under {@code dir}, links followed, {@code .incomplete} downloads left out. */
  public static long sizeOnDisk(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".incomplete"))
          .mapToLong(p -> {
            try {
              return Files.size(p);
            } catch (IOException e) {
              return 0;
            }
          }).sum();
    }
  }
}
