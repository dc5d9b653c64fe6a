package io.shiq.policy;

import ai.djl.Device;
import io.shiq.policy.engine.TorchEngine;
import io.shiq.policy.io.HfCheckpoint;
import io.shiq.policy.io.Llama2cCheckpoint;
import io.shiq.policy.io.ModelFormatException;
import io.shiq.policy.io.ShiqCheckpoint;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.tokenizer.HfTokenizer;
import io.shiq.policy.tokenizer.Llama2cTokenizer;
import io.shiq.policy.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded policy: the model and its tokenizer. {@link #load} recognises shiq checkpoints (shiq-model.json),
 * Hugging Face directories (config.json + safetensors + tokenizer.json) and llama2.c checkpoints (a .bin file, or a
 * directory holding one, with tokenizer.bin / tok*.bin beside it).
 */
public record PolicyModel(LlamaWeights weights, Tokenizer tokenizer, String source) implements AutoCloseable {

  public Llama model() {
    return new Llama(weights);
  }

  /** GPU 0 when DJL's PyTorch engine sees a GPU, else the CPU. */
  public static Device defaultDevice() {
    return TorchEngine.defaultDevice();
  }

  public static PolicyModel load(Path path, Device device) {
    if (!Files.exists(path)) {
      throw new ModelFormatException("model path not found: " + path);
    }
    if (Files.isRegularFile(path)) {
      return llama2c(path, device);
    }
    if (Files.isRegularFile(path.resolve(ShiqCheckpoint.CONFIG_FILE))) {
      LlamaWeights w = ShiqCheckpoint.load(path, device);
      Path tok = ShiqCheckpoint.tokenizerFile(path);
      return new PolicyModel(w, tokenizerFor(tok, path, w.config().vocabSize()), path.toString());
    }
    if (Files.isRegularFile(path.resolve("config.json"))) {
      LlamaWeights w = HfCheckpoint.load(path, device);
      return new PolicyModel(w, HfTokenizer.load(path), path.toString());
    }
    List<Path> bins = llama2cCandidates(path);
    if (bins.size() == 1) {
      return llama2c(bins.get(0), device);
    }
    throw new ModelFormatException(path + ": not a model directory: expected shiq-model.json, config.json (Hugging "
        + "Face) or one llama2.c .bin checkpoint" + (bins.size() > 1 ? ", found several: " + bins : ""));
  }

  private static PolicyModel llama2c(Path checkpoint, Device device) {
    Path dir = checkpoint.toAbsolutePath().getParent();
    Path tok = null;
    for (String name : new String[] {"tokenizer.bin", "tok512.bin"}) {
      if (Files.isRegularFile(dir.resolve(name))) {
        tok = dir.resolve(name);
        break;
      }
    }
    if (tok == null) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "tok*.bin")) {
        for (Path p : s) {
          tok = p;
        }
      } catch (IOException e) {
        throw new ModelFormatException(dir + ": cannot list: " + e.getMessage(), e);
      }
    }
    if (tok == null) {
      throw new ModelFormatException(checkpoint + ": no llama2.c tokenizer (tokenizer.bin or tok*.bin) beside it");
    }
    LlamaWeights w = Llama2cCheckpoint.load(checkpoint, device);
    return new PolicyModel(w, Llama2cTokenizer.load(tok, w.config().vocabSize()), checkpoint.toString());
  }

  private static Tokenizer tokenizerFor(Path file, Path dir, int vocab) {
    if (file == null) {
      throw new ModelFormatException(dir + ": " + ShiqCheckpoint.CONFIG_FILE + " names no tokenizer");
    }
    return file.getFileName().toString().endsWith(".json") ? HfTokenizer.load(file.getParent())
        : Llama2cTokenizer.load(file, vocab);
  }

  private static List<Path> llama2cCandidates(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.bin")) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (!n.startsWith("tok")) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new ModelFormatException(dir + ": cannot list: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() {
    weights.close();
    if (tokenizer instanceof HfTokenizer hf) {
      hf.close();
    }
  }
}
