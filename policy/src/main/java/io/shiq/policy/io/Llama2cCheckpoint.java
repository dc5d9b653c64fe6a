package io.shiq.policy.io;

import ai.djl.Device;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads llama2.c "legacy" (version 0) checkpoints: seven little-endian int32 (dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len; a negative vocab_size means an untied classifier at the end), then float32
 * tensors in a fixed order. llama2.c rotates consecutive pairs, uses RMSNorm eps 1e-5 and RoPE theta 10000.
 */
public final class Llama2cCheckpoint {
  private static final int HEADER_BYTES = 7 * 4;

  private Llama2cCheckpoint() {}

  /** Reads only the header. */
  public static LlamaConfig readConfig(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() < HEADER_BYTES) {
        throw new ModelFormatException(file + ": " + ch.size() + " bytes is too short for a llama2.c header ("
            + HEADER_BYTES + " bytes)");
      }
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(header, 0);
      header.flip();
      int dim = header.getInt();
      int hidden = header.getInt();
      int layers = header.getInt();
      int heads = header.getInt();
      int kvHeads = header.getInt();
      int vocab = header.getInt();
      int seqLen = header.getInt();
      try {
        return new LlamaConfig(dim, hidden, layers, heads, kvHeads, Math.abs(vocab), seqLen, 10000.0, 1e-5, false,
            vocab > 0, LlamaConfig.RopeLayout.PAIRS);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(file + ": not a llama2.c checkpoint (header " + dim + "," + hidden + ","
            + layers + "," + heads + "," + kvHeads + "," + vocab + "," + seqLen + "): " + e.getMessage());
      }
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("checkpoint not found: " + file);
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static LlamaWeights load(Path file, Device device) {
    LlamaConfig c = readConfig(file);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
    int d = c.dim();
    int kv = c.kvDim();
    int h = c.hiddenDim();
    int layers = c.nLayers();
    int halfHead = c.headSize() / 2;
    // The llama2.c layout: name, elements per layer (or in all), stacked over layers or not.
    Object[][] layout = {
        {"token_embedding", (long) c.vocabSize() * d, false},
        {"rms_att", (long) d, true},
        {"wq", (long) d * d, true},
        {"wk", (long) kv * d, true},
        {"wv", (long) kv * d, true},
        {"wo", (long) d * d, true},
        {"rms_ffn", (long) d, true},
        {"w1", (long) h * d, true},
        {"w2", (long) d * h, true},
        {"w3", (long) h * d, true},
        {"rms_final", (long) d, false},
        {"freq_cis_real", (long) c.maxSeqLen() * halfHead, false},
        {"freq_cis_imag", (long) c.maxSeqLen() * halfHead, false},
        {"wcls", c.tiedEmbeddings() ? 0L : (long) c.vocabSize() * d, false},
    };
    Map<String, float[]> raw = new LinkedHashMap<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FloatBuffer floats = ch.map(FileChannel.MapMode.READ_ONLY, HEADER_BYTES, size - HEADER_BYTES)
          .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      long offset = HEADER_BYTES;
      for (Object[] entry : layout) {
        String name = (String) entry[0];
        long perCopy = (long) entry[1];
        long copies = (Boolean) entry[2] ? layers : 1;
        // The counts come from the header: compare them with the floats left instead of multiplying past a long.
        long left = (size - offset) / 4;
        if (perCopy > 0 && copies > left / perCopy) {
          throw new ModelFormatException(file + ": truncated: tensor " + name + " needs " + copies + " x " + perCopy
              + " floats from byte " + offset + " but the file has " + size + " bytes");
        }
        long n = perCopy * copies;
        float[] data = new float[Math.toIntExact(n)];
        floats.get(data);
        raw.put(name, data);
        offset += n * 4;
      }
      if (offset != size) {
        throw new ModelFormatException(file + ": " + (size - offset) + " unexpected bytes after the last tensor"
            + " (config " + c + ")");
      }
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
    Map<String, float[]> named = new LinkedHashMap<>();
    named.put(LlamaWeights.EMBED, raw.get("token_embedding"));
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      named.put(p + "input_layernorm.weight", slice(raw.get("rms_att"), l, d));
      named.put(p + "self_attn.q_proj.weight", slice(raw.get("wq"), l, d * d));
      named.put(p + "self_attn.k_proj.weight", slice(raw.get("wk"), l, kv * d));
      named.put(p + "self_attn.v_proj.weight", slice(raw.get("wv"), l, kv * d));
      named.put(p + "self_attn.o_proj.weight", slice(raw.get("wo"), l, d * d));
      named.put(p + "post_attention_layernorm.weight", slice(raw.get("rms_ffn"), l, d));
      named.put(p + "mlp.gate_proj.weight", slice(raw.get("w1"), l, h * d));
      named.put(p + "mlp.down_proj.weight", slice(raw.get("w2"), l, d * h));
      named.put(p + "mlp.up_proj.weight", slice(raw.get("w3"), l, h * d));
    }
    named.put(LlamaWeights.FINAL_NORM, raw.get("rms_final"));
    if (!c.tiedEmbeddings()) {
      named.put(LlamaWeights.LM_HEAD, raw.get("wcls"));
    }
    return LlamaWeights.fromHost(c, named, device, file.toString());
  }

  private static float[] slice(float[] stacked, int layer, int n) {
    float[] out = new float[n];
    System.arraycopy(stacked, layer * n, out, 0, n);
    return out;
  }
}
