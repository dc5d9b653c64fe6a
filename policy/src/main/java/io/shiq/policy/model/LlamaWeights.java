package io.shiq.policy.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The parameters of a {@link LlamaConfig} model, as DJL {@link Parameter}s on one device, named the Hugging Face
 * way ({@code model.layers.3.self_attn.q_proj.weight}) so that our checkpoints are HF-style safetensors.
 * Matrices are [out, in]: y = x W^T.
 */
public final class LlamaWeights implements AutoCloseable {

  /** One transformer block. Biases are null unless {@link LlamaConfig#qkvBias()}. */
  public record Layer(Parameter attnNorm, Parameter wq, Parameter wk, Parameter wv, Parameter wo,
                      Parameter bq, Parameter bk, Parameter bv,
                      Parameter ffnNorm, Parameter w1, Parameter w2, Parameter w3) {}

  private final LlamaConfig config;
  private final NDManager manager;
  private final Map<String, Parameter> named;
  private final Parameter tokenEmbedding;
  private final List<Layer> layers;
  private final Parameter finalNorm;
  private final Parameter output;

  private LlamaWeights(LlamaConfig config, NDManager manager, Map<String, Parameter> named) {
    this.config = config;
    this.manager = manager;
    this.named = Collections.unmodifiableMap(named);
    this.tokenEmbedding = named.get(EMBED);
    List<Layer> ls = new ArrayList<>();
    for (int i = 0; i < config.nLayers(); i++) {
      String p = "model.layers." + i + ".";
      ls.add(new Layer(named.get(p + "input_layernorm.weight"),
          named.get(p + "self_attn.q_proj.weight"), named.get(p + "self_attn.k_proj.weight"),
          named.get(p + "self_attn.v_proj.weight"), named.get(p + "self_attn.o_proj.weight"),
          named.get(p + "self_attn.q_proj.bias"), named.get(p + "self_attn.k_proj.bias"),
          named.get(p + "self_attn.v_proj.bias"),
          named.get(p + "post_attention_layernorm.weight"),
          named.get(p + "mlp.gate_proj.weight"), named.get(p + "mlp.down_proj.weight"),
          named.get(p + "mlp.up_proj.weight")));
    }
    this.layers = List.copyOf(ls);
    this.finalNorm = named.get(FINAL_NORM);
    this.output = config.tiedEmbeddings() ? tokenEmbedding : named.get(LM_HEAD);
  }

  public static final String EMBED = "model.embed_tokens.weight";
  public static final String FINAL_NORM = "model.norm.weight";
  public static final String LM_HEAD = "lm_head.weight";

  /** Every tensor the config needs, with its shape, in checkpoint order. */
  public static Map<String, long[]> expectedShapes(LlamaConfig c) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    long d = c.dim();
    long kv = c.kvDim();
    long h = c.hiddenDim();
    shapes.put(EMBED, new long[] {c.vocabSize(), d});
    for (int i = 0; i < c.nLayers(); i++) {
      String p = "model.layers." + i + ".";
      shapes.put(p + "input_layernorm.weight", new long[] {d});
      shapes.put(p + "self_attn.q_proj.weight", new long[] {d, d});
      shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
      shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
      shapes.put(p + "self_attn.o_proj.weight", new long[] {d, d});
      if (c.qkvBias()) {
        shapes.put(p + "self_attn.q_proj.bias", new long[] {d});
        shapes.put(p + "self_attn.k_proj.bias", new long[] {kv});
        shapes.put(p + "self_attn.v_proj.bias", new long[] {kv});
      }
      shapes.put(p + "post_attention_layernorm.weight", new long[] {d});
      shapes.put(p + "mlp.gate_proj.weight", new long[] {h, d});
      shapes.put(p + "mlp.up_proj.weight", new long[] {h, d});
      shapes.put(p + "mlp.down_proj.weight", new long[] {d, h});
    }
    shapes.put(FINAL_NORM, new long[] {d});
    if (!c.tiedEmbeddings()) {
      shapes.put(LM_HEAD, new long[] {c.vocabSize(), d});
    }
    return shapes;
  }

  /**
   * Builds weights from float32 host arrays, checking that every tensor is present with the right size.
   *
   * @param source named in errors (a file or directory)
   */
  public static LlamaWeights fromHost(LlamaConfig config, Map<String, float[]> tensors, Device device,
                                      String source) {
    Map<String, long[]> shapes = expectedShapes(config);
    for (String name : tensors.keySet()) {
      if (!shapes.containsKey(name) && !(config.tiedEmbeddings() && name.equals(LM_HEAD))) {
        throw new IllegalArgumentException(source + ": unexpected tensor " + name + " for this config");
      }
    }
    NDManager manager = NDManager.newBaseManager(device);
    try {
      Map<String, Parameter> named = new LinkedHashMap<>();
      for (var e : shapes.entrySet()) {
        float[] data = tensors.get(e.getKey());
        if (data == null) {
          throw new IllegalArgumentException(source + ": missing tensor " + e.getKey() + " (shape "
              + Arrays.toString(e.getValue()) + ")");
        }
        long expected = Arrays.stream(e.getValue()).reduce(1, Math::multiplyExact);
        if (data.length != expected) {
          throw new IllegalArgumentException(source + ": tensor " + e.getKey() + " has " + data.length
              + " elements, expected shape " + Arrays.toString(e.getValue()) + " = " + expected);
        }
        named.put(e.getKey(), parameter(e.getKey(), manager.create(data, new Shape(e.getValue()))));
      }
      return new LlamaWeights(config, manager, named);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Random initialisation for synthetic tasks: N(0, 0.02) matrices (output projections scaled by
   * 1/sqrt(2 nLayers), as GPT-2 does), unit norms, zero biases. Drawn in Java so a seed gives the same weights
   * on every device.
   */
  public static LlamaWeights random(LlamaConfig config, long seed, Device device) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, float[]> host = new LinkedHashMap<>();
    for (var e : expectedShapes(config).entrySet()) {
      int n = (int) Arrays.stream(e.getValue()).reduce(1, Math::multiplyExact);
      float[] data = new float[n];
      String name = e.getKey();
      if (name.endsWith("norm.weight")) {
        Arrays.fill(data, 1f);
      } else if (!name.endsWith(".bias")) {
        double std = 0.02 * (name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight")
            ? 1 / Math.sqrt(2.0 * config.nLayers()) : 1);
        for (int i = 0; i < n; i++) {
          data[i] = (float) (gaussian(rnd) * std);
        }
      }
      host.put(name, data);
    }
    return fromHost(config, host, device, "random(seed=" + seed + ")");
  }

  /** A deep copy on the same device (the learner keeps one as its frozen reference). */
  public LlamaWeights copy() {
    NDManager m = NDManager.newBaseManager(manager.getDevice());
    Map<String, Parameter> copied = new LinkedHashMap<>();
    for (var e : named.entrySet()) {
      NDArray a = e.getValue().getArray().duplicate();
      a.attach(m);
      copied.put(e.getKey(), parameter(e.getKey(), a));
    }
    return new LlamaWeights(config, m, copied);
  }

  /** Copies host float32 data of every tensor (for saving and for tests). */
  public Map<String, float[]> toHost() {
    Map<String, float[]> out = new LinkedHashMap<>();
    named.forEach((k, v) -> out.put(k, v.getArray().toType(DataType.FLOAT32, false).toFloatArray()));
    return out;
  }

  /** Turns gradient tracking on or off for every parameter. */
  public void setRequiresGradient(boolean on) {
    named.values().forEach(p -> p.getArray().setRequiresGradient(on));
  }

  public LlamaConfig config() {
    return config;
  }

  public NDManager manager() {
    return manager;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** All parameters by name, in checkpoint order. */
  public Map<String, Parameter> named() {
    return named;
  }

  public Parameter tokenEmbedding() {
    return tokenEmbedding;
  }

  public List<Layer> layers() {
    return layers;
  }

  public Parameter finalNorm() {
    return finalNorm;
  }

  /** The output head [V, D]: the token embedding when tied. */
  public Parameter output() {
    return output;
  }

  public long parameterCount() {
    return named.values().stream().mapToLong(p -> p.getArray().size()).sum();
  }

  @Override
  public void close() {
    manager.close();
  }

  private static Parameter parameter(String name, NDArray array) {
    array.setName(name);
    Parameter p = Parameter.builder().setName(name)
        .setType(name.endsWith(".bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT)
        .build();
    p.setArray(array);
    return p;
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
