package io.shiq.policy.io;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hugging Face model directories: {@code config.json} + {@code model*.safetensors} (sharded through
 * {@code model.safetensors.index.json} or not), architectures LlamaForCausalLM and Qwen2ForCausalLM. HF stores
 * q/k projections for the half-split rotary layout.
 */
public final class HfCheckpoint {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> LLAMA = Set.of("LlamaForCausalLM", "llama");
  private static final Set<String> QWEN2 = Set.of("Qwen2ForCausalLM", "qwen2");

  private HfCheckpoint() {}

  public static LlamaConfig readConfig(Path dir) {
    Path file = dir.resolve("config.json");
    JsonNode c;
    try {
      c = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
    String arch = c.path("architectures").path(0).asText(c.path("model_type").asText(""));
    boolean qwen = QWEN2.contains(arch) || QWEN2.contains(c.path("model_type").asText());
    boolean llama = LLAMA.contains(arch) || LLAMA.contains(c.path("model_type").asText());
    if (!qwen && !llama) {
      throw new ModelFormatException(file + ": unknown architecture '" + arch + "' (model_type '"
          + c.path("model_type").asText() + "'); supported: LlamaForCausalLM, Qwen2ForCausalLM");
    }
    JsonNode scaling = c.path("rope_scaling");
    if (!scaling.isMissingNode() && !scaling.isNull()) {
      throw new ModelFormatException(file + ": rope_scaling " + scaling + " is not supported yet");
    }
    int dim = required(c, "hidden_size", file);
    int heads = required(c, "num_attention_heads", file);
    // heads <= 0 is left to LlamaConfig, which names it, rather than divided by here
    if (c.has("head_dim") && heads > 0 && c.path("head_dim").asInt() != dim / heads) {
      throw new ModelFormatException(file + ": head_dim " + c.path("head_dim").asInt() + " != hidden_size / "
          + "num_attention_heads = " + dim / heads + " is not supported");
    }
    try {
      return new LlamaConfig(dim, required(c, "intermediate_size", file), required(c, "num_hidden_layers", file),
          heads, c.path("num_key_value_heads").asInt(heads), required(c, "vocab_size", file),
          c.path("max_position_embeddings").asInt(2048), c.path("rope_theta").asDouble(10000.0),
          c.path("rms_norm_eps").asDouble(1e-6), qwen || c.path("attention_bias").asBoolean(false),
          c.path("tie_word_embeddings").asBoolean(qwen), LlamaConfig.RopeLayout.HALVES);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file + ": " + e.getMessage());
    }
  }

  public static LlamaWeights load(Path dir, Device device) {
    return loadTensors(dir, readConfig(dir), device);
  }

  /** Loads the safetensors of {@code dir} into weights of {@code config} (shared by our own checkpoint format). */
  static LlamaWeights loadTensors(Path dir, LlamaConfig config, Device device) {
    Map<String, long[]> expected = LlamaWeights.expectedShapes(config);
    Map<String, float[]> host = new LinkedHashMap<>();
    for (Path file : shards(dir)) {
      for (var e : Safetensors.read(file).entrySet()) {
        String name = e.getKey();
        if (name.endsWith("rotary_emb.inv_freq") || (config.tiedEmbeddings() && name.equals(LlamaWeights.LM_HEAD))) {
          continue; // derived or tied: not parameters of ours
        }
        long[] want = expected.get(name);
        if (want == null) {
          throw new ModelFormatException(file + ": unexpected tensor " + name + " for config " + config);
        }
        if (!Arrays.equals(want, e.getValue().shape())) {
          throw new ModelFormatException(file + ": tensor " + name + " has shape "
              + Arrays.toString(e.getValue().shape()) + ", config.json implies " + Arrays.toString(want));
        }
        host.put(name, e.getValue().data());
      }
    }
    for (String name : expected.keySet()) {
      if (!host.containsKey(name)) {
        throw new ModelFormatException(dir + ": missing tensor " + name + " (shape "
            + Arrays.toString(expected.get(name)) + ") in " + shards(dir));
      }
    }
    return LlamaWeights.fromHost(config, host, device, dir.toString());
  }

  static List<Path> shards(Path dir) {
    Path index = dir.resolve("model.safetensors.index.json");
    if (Files.isRegularFile(index)) {
      try {
        Set<String> files = new TreeSet<>();
        JSON.readTree(index.toFile()).path("weight_map").forEach(v -> files.add(v.asText()));
        List<Path> out = new ArrayList<>();
        for (String f : files) {
          out.add(dir.resolve(f));
        }
        return out;
      } catch (IOException e) {
        throw new ModelFormatException(index + ": cannot read: " + e.getMessage(), e);
      }
    }
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "model*.safetensors")) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new ModelFormatException(dir + ": cannot list: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new ModelFormatException(dir + ": no model*.safetensors file");
    }
    out.sort(null);
    return out;
  }

  /**
   * Writes {@code weights} as a Hugging Face directory (config.json + model.safetensors) of {@code architecture}
   * (LlamaForCausalLM or Qwen2ForCausalLM). HF models rotate half-split coordinates: weights of a pair-layout model
   * (llama2.c) get the rows of their q/k projections permuted so the exported model computes the same function.
   */
  public static void save(LlamaWeights weights, Path dir, Safetensors.DType dtype, String architecture)
      throws IOException {
    LlamaConfig c = weights.config();
    boolean qwen = architecture.equals("Qwen2ForCausalLM");
    if (!qwen && !architecture.equals("LlamaForCausalLM")) {
      throw new IllegalArgumentException("architecture must be LlamaForCausalLM or Qwen2ForCausalLM, got "
          + architecture);
    }
    if (qwen != c.qkvBias()) {
      throw new IllegalArgumentException(architecture + " needs qkvBias=" + qwen + ", the model has " + c.qkvBias());
    }
    Files.createDirectories(dir);
    Map<String, float[]> host = weights.toHost();
    if (c.ropeLayout() == LlamaConfig.RopeLayout.PAIRS) {
      for (String name : host.keySet()) {
        if (name.endsWith("q_proj.weight") || name.endsWith("k_proj.weight")
            || name.endsWith("q_proj.bias") || name.endsWith("k_proj.bias")) {
          int cols = name.endsWith(".bias") ? 1 : c.dim();
          host.put(name, RotaryRows.pairsToHalves(host.get(name), c.headSize(), cols));
        }
      }
    }
    var root = JSON.createObjectNode();
    root.putArray("architectures").add(architecture);
    root.put("model_type", qwen ? "qwen2" : "llama");
    root.put("hidden_size", c.dim()).put("intermediate_size", c.hiddenDim())
        .put("num_hidden_layers", c.nLayers()).put("num_attention_heads", c.nHeads())
        .put("num_key_value_heads", c.nKvHeads()).put("vocab_size", c.vocabSize())
        .put("max_position_embeddings", c.maxSeqLen()).put("rope_theta", c.ropeTheta())
        .put("rms_norm_eps", c.normEps()).put("tie_word_embeddings", c.tiedEmbeddings())
        .put("hidden_act", "silu").put("torch_dtype", "float32");
    if (!qwen) {
      root.put("attention_bias", false);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), root);
    Safetensors.write(dir.resolve("model.safetensors"), host, LlamaWeights.expectedShapes(c), dtype,
        Map.of("format", "pt"));
  }

  private static int required(JsonNode c, String key, Path file) {
    if (!c.path(key).isInt()) {
      throw new ModelFormatException(file + ": missing or non-integer \"" + key + "\"");
    }
    return c.path(key).asInt();
  }
}
