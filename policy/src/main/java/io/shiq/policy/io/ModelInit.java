package io.shiq.policy.io;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Randomly initialised models written to disk, in the Hugging Face layout (config.json + model.safetensors + the
 * tokenizer files) or as a llama2.c checkpoint (model.bin + tokenizer.bin), so that a newcomer can start from a
 * chosen shape and any tokenizer. {@link io.shiq.policy.PolicyModel#load} loads both back.
 */
public final class ModelInit {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The tokenizer files of a Hugging Face model directory, copied when present. */
  public static final List<String> HF_TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
      "generation_config.json", "special_tokens_map.json");

  /** On-disk formats. */
  public enum Format { HF, LLAMA2C }

  /** The named shapes of {@code --shape}. */
  public static final List<String> SHAPES = List.of("tiny", "stories260k", "stories15m", "qwen2");

  private ModelInit() {}

  /**
   * A named shape with {@code vocab} tokens. {@code tiny}: the synthetic policy's ({@link LlamaConfig#tiny});
   * {@code stories260k} and {@code stories15m}: Karpathy's tinyllamas (vocabulary 512 and 32000 with their own
   * tokenizers); {@code qwen2}: a small Qwen2 (q/k/v biases, grouped-query attention, tied embeddings, theta 1e6),
   * to be resized with the depth and width options.
   */
  public static LlamaConfig shape(String name, int vocab) {
    LlamaConfig.RopeLayout halves = LlamaConfig.RopeLayout.HALVES;
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "tiny" -> LlamaConfig.tiny(vocab);
      case "stories260k" -> new LlamaConfig(64, 172, 5, 8, 4, vocab, 512, 10000, 1e-5, false, true, halves);
      case "stories15m" -> new LlamaConfig(288, 768, 6, 6, 6, vocab, 256, 10000, 1e-5, false, true, halves);
      case "qwen2" -> new LlamaConfig(256, 704, 4, 4, 2, vocab, 4096, 1e6, 1e-6, true, true, halves);
      default -> throw new IllegalArgumentException("--shape must be one of " + SHAPES + ", got '" + name + "'");
    };
  }

  /**
   * The config of an existing model: a Hugging Face config.json (or its directory), a shiq-model.json, or a
   * llama2.c checkpoint (its header).
   */
  public static LlamaConfig readConfig(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      if (Files.isRegularFile(file.resolve(ShiqCheckpoint.CONFIG_FILE))) {
        return ShiqCheckpoint.readConfig(file);
      }
      return HfCheckpoint.readConfig(file);
    }
    String name = file.getFileName().toString();
    if (name.equals(ShiqCheckpoint.CONFIG_FILE)) {
      return ShiqCheckpoint.readConfig(file.toAbsolutePath().getParent());
    }
    if (name.equals("config.json")) {
      return HfCheckpoint.readConfig(file.toAbsolutePath().getParent());
    }
    if (name.endsWith(".json")) {
      Path tmp = Files.createTempDirectory("shiq-config");
      try {
        Files.copy(file, tmp.resolve("config.json"));
        return HfCheckpoint.readConfig(tmp);
      } finally {
        Files.deleteIfExists(tmp.resolve("config.json"));
        Files.deleteIfExists(tmp);
      }
    }
    return Llama2cCheckpoint.readConfig(file);
  }

  /** The tokenizer file of {@code path} for {@code format}: tokenizer.json, or a llama2.c tokenizer .bin. */
  public static Path tokenizerFile(Path path, Format format) {
    if (Files.isRegularFile(path)) {
      boolean json = path.getFileName().toString().endsWith(".json");
      if (json != (format == Format.HF)) {
        throw new IllegalArgumentException("--tokenizer " + path + ": the " + (format == Format.HF
            ? "Hugging Face format needs a tokenizer.json" : "llama2.c format needs a llama2.c tokenizer .bin")
            + " (or a directory holding one)");
      }
      return path;
    }
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException("--tokenizer " + path + " not found");
    }
    if (format == Format.HF) {
      if (!Files.isRegularFile(path.resolve("tokenizer.json"))) {
        throw new IllegalArgumentException("--tokenizer " + path + ": no tokenizer.json in it (the Hugging Face "
            + "format needs one)");
      }
      return path.resolve("tokenizer.json");
    }
    for (String n : new String[] {"tokenizer.bin", "tok512.bin"}) {
      if (Files.isRegularFile(path.resolve(n))) {
        return path.resolve(n);
      }
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(path, "tok*.bin")) {
      for (Path p : s) {
        return p;
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("--tokenizer " + path + ": cannot list: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("--tokenizer " + path + ": no tokenizer.bin or tok*.bin in it (the llama2.c "
        + "format needs one)");
  }

  /** How many token ids the tokenizer file uses: its highest id + 1. */
  public static int tokenizerVocab(Path tokenizerFile) throws IOException {
    if (tokenizerFile.getFileName().toString().endsWith(".json")) {
      JsonNode json = JSON.readTree(tokenizerFile.toFile());
      int maxId = json.path("model").path("vocab").size() - 1;
      for (JsonNode v : json.path("model").path("vocab")) {
        if (v.isInt()) {
          maxId = Math.max(maxId, v.asInt());
        }
      }
      for (JsonNode t : json.path("added_tokens")) {
        maxId = Math.max(maxId, t.path("id").asInt());
      }
      if (maxId < 0) {
        throw new ModelFormatException(tokenizerFile + ": no vocabulary (model.vocab)");
      }
      return maxId + 1;
    }
    return llama2cTokenizerSize(tokenizerFile);
  }

  /** Tokens in a llama2.c tokenizer file: int32 max length, then (float32 score, int32 length, bytes) each. */
  static int llama2cTokenizerSize(Path file) throws IOException {
    int count = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      in.readNBytes(4);
      byte[] entry = new byte[8];
      while (true) {
        int n = in.readNBytes(entry, 0, 8);
        if (n == 0) {
          return count;
        }
        if (n < 8) {
          throw new EOFException();
        }
        int len = ByteBuffer.wrap(entry, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (len < 0 || len > 1 << 16) {
          throw new ModelFormatException(file + ": not a llama2.c tokenizer (token " + count + " has length " + len
              + ")");
        }
        in.skipNBytes(len);
        count++;
      }
    } catch (EOFException e) {
      throw new ModelFormatException(file + ": truncated llama2.c tokenizer after " + count + " tokens");
    }
  }

  /**
   * Writes a model of {@code config} with random weights ({@link LlamaWeights#random}, {@code seed}) and the
   * tokenizer {@code tokenizerFile} into {@code out} (built beside it and renamed, so a failure leaves nothing).
   * The llama2.c format takes the pair rotary layout, theta 10000 and eps 1e-5 (fixed there); the Hugging Face one
   * the half-split layout.
   *
   * @return the config as written
   */
  public static LlamaConfig write(LlamaConfig config, long seed, Path tokenizerFile, Format format, Path out)
      throws IOException {
    int tokens = tokenizerVocab(tokenizerFile);
    if (config.vocabSize() < tokens) {
      throw new IllegalArgumentException("vocabulary " + config.vocabSize() + " is smaller than the tokenizer's "
          + tokens + " ids (" + tokenizerFile + ")");
    }
    if (format == Format.LLAMA2C && config.vocabSize() != tokens) {
      throw new IllegalArgumentException("vocabulary " + config.vocabSize() + " differs from the tokenizer's "
          + tokens + " tokens (" + tokenizerFile + "): a llama2.c model's vocabulary is its tokenizer's");
    }
    LlamaConfig c = format == Format.LLAMA2C ? Llama2cWriter.llama2cConfig(config)
        : new LlamaConfig(config.dim(), config.hiddenDim(), config.nLayers(), config.nHeads(), config.nKvHeads(),
            config.vocabSize(), config.maxSeqLen(), config.ropeTheta(), config.normEps(), config.qkvBias(),
            config.tiedEmbeddings(), LlamaConfig.RopeLayout.HALVES);
    if (Files.exists(out)) {
      try (Stream<Path> s = Files.list(out)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException("--out " + out + " exists and is not empty");
        }
      }
    }
    Path abs = out.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = abs.resolveSibling(abs.getFileName() + ".incomplete");
    delete(tmp);
    Files.createDirectory(tmp);
    try {
      try (LlamaWeights w = LlamaWeights.random(c, seed, Device.cpu())) {
        if (format == Format.LLAMA2C) {
          Llama2cWriter.save(w, tmp.resolve("model.bin"));
          copyWritable(tokenizerFile, tmp.resolve("tokenizer.bin"));
        } else {
          HfCheckpoint.save(w, tmp, Safetensors.DType.F32, c.qkvBias() ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
          Path dir = tokenizerFile.toAbsolutePath().getParent();
          copyWritable(tokenizerFile, tmp.resolve("tokenizer.json"));
          for (String name : HF_TOKENIZER_FILES.subList(1, HF_TOKENIZER_FILES.size())) {
            if (Files.isRegularFile(dir.resolve(name))) {
              copyWritable(dir.resolve(name), tmp.resolve(name));
            }
          }
        }
      }
      Files.deleteIfExists(out);
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      return c;
    } catch (IOException | RuntimeException e) {
      delete(tmp);
      throw e;
    }
  }

  private static void delete(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * A copy the user owns and can edit: Files.copy keeps the source's mode on Linux, and tokenizers often come from a
   * read-only data directory.
   */
  private static void copyWritable(Path from, Path to) throws IOException {
    Files.copy(from, to);
    if (!to.toFile().setWritable(true, true)) {
      throw new IOException("cannot make " + to + " writable");
    }
  }
}
