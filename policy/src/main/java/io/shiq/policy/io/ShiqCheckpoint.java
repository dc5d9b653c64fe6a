package io.shiq.policy.io;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * shiq's own model format: a directory with {@code model.safetensors} (HF tensor names) and {@code shiq-model.json}
 * (the {@link LlamaConfig}, rotary layout included, and which tokenizer file sits beside it). The JSON is written
 * last, so a directory without it is an unfinished save.
 */
public final class ShiqCheckpoint {
  public static final String CONFIG_FILE = "shiq-model.json";
  public static final String WEIGHTS_FILE = "model.safetensors";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ShiqCheckpoint() {}

  /**
   * Saves {@code weights} into {@code dir}, copying {@code tokenizerFiles} (e.g. tok512.bin, or tokenizer.json and
   * its config files) beside them.
   */
  public static void save(LlamaWeights weights, Path dir, Safetensors.DType dtype, Path... tokenizerFiles)
      throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(CONFIG_FILE));
    Safetensors.write(dir.resolve(WEIGHTS_FILE), weights.toHost(), LlamaWeights.expectedShapes(weights.config()),
        dtype, Map.of("format", "pt", "producer", "shiq"));
    String tokenizer = null;
    for (Path t : tokenizerFiles) {
      Files.copy(t, dir.resolve(t.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      if (tokenizer == null || t.getFileName().toString().equals("tokenizer.json")) {
        tokenizer = t.getFileName().toString();
      }
    }
    LlamaConfig c = weights.config();
    ObjectNode root = JSON.createObjectNode().put("format", "shiq-llama").put("version", 1);
    root.set("config", JSON.valueToTree(c));
    if (tokenizer != null) {
      root.put("tokenizer", tokenizer);
    }
    Path tmp = dir.resolve(CONFIG_FILE + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
    Files.move(tmp, dir.resolve(CONFIG_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static LlamaConfig readConfig(Path dir) {
    Path file = dir.resolve(CONFIG_FILE);
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (!"shiq-llama".equals(root.path("format").asText())) {
        throw new ModelFormatException(file + ": format is '" + root.path("format").asText()
            + "', expected 'shiq-llama'");
      }
      if (!root.path("config").isObject()) {
        throw new ModelFormatException(file + ": \"config\" is " + root.path("config").getNodeType()
            + ", not the model's config object");
      }
      return JSON.treeToValue(root.path("config"), LlamaConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelFormatException(file + ": cannot read the model config: " + e.getMessage(), e);
    }
  }

  /** The tokenizer file named in the config, or null. */
  public static Path tokenizerFile(Path dir) {
    try {
      JsonNode t = JSON.readTree(dir.resolve(CONFIG_FILE).toFile()).path("tokenizer");
      return t.isTextual() ? dir.resolve(t.asText()) : null;
    } catch (IOException e) {
      throw new ModelFormatException(dir.resolve(CONFIG_FILE) + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static LlamaWeights load(Path dir, Device device) {
    return HfCheckpoint.loadTensors(dir, readConfig(dir), device);
  }
}
