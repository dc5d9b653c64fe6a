package io.shiq.policy.io;

import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes llama2.c "legacy" (version 0) checkpoints, the format {@link Llama2cCheckpoint} reads: seven
 * little-endian int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size (negative: untied classifier),
 * seq_len), then float32 token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3 (each stacked over layers),
 * rms_final, freq_cis_real/imag[seq_len, head_size/2], and wcls when untied. llama2.c rotates consecutive pairs;
 * weights of a half-split model (Hugging Face) get their q/k rows permuted so the file computes the same function.
 */
public final class Llama2cWriter {
  private Llama2cWriter() {}

  /** The llama2.c variant of {@code c}: pair rotary layout, RMSNorm eps 1e-5, RoPE theta 10000 (fixed there). */
  public static LlamaConfig llama2cConfig(LlamaConfig c) {
    if (c.qkvBias()) {
      throw new IllegalArgumentException("llama2.c checkpoints have no q/k/v biases (this is a Qwen2-style model): "
          + "use the Hugging Face format");
    }
    return new LlamaConfig(c.dim(), c.hiddenDim(), c.nLayers(), c.nHeads(), c.nKvHeads(), c.vocabSize(),
        c.maxSeqLen(), 10000.0, 1e-5, false, c.tiedEmbeddings(), LlamaConfig.RopeLayout.PAIRS);
  }

  /** Writes {@code weights} to {@code file} (temp file + rename). */
  public static void save(LlamaWeights weights, Path file) throws IOException {
    LlamaConfig c = weights.config();
    llama2cConfig(c); // (rejects q/k/v biases)
    if (c.ropeTheta() != 10000.0 || c.normEps() != 1e-5) {
      throw new IllegalArgumentException("llama2.c fixes RoPE theta 10000 and RMSNorm eps 1e-5; this model has "
          + c.ropeTheta() + " and " + c.normEps());
    }
    Map<String, float[]> host = weights.toHost();
    int d = c.dim();
    int kv = c.kvDim();
    int h = c.hiddenDim();
    boolean halves = c.ropeLayout() == LlamaConfig.RopeLayout.HALVES;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
      ByteBuffer header = ByteBuffer.allocate(7 * 4).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(d).putInt(h).putInt(c.nLayers()).putInt(c.nHeads()).putInt(c.nKvHeads())
          .putInt(c.tiedEmbeddings() ? c.vocabSize() : -c.vocabSize()).putInt(c.maxSeqLen());
      out.write(header.array());
      floats(out, host.get(LlamaWeights.EMBED));
      String[] perLayer = {"input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
          "self_attn.v_proj.weight", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
          "mlp.gate_proj.weight", "mlp.down_proj.weight", "mlp.up_proj.weight"};
      for (String name : perLayer) {
        for (int l = 0; l < c.nLayers(); l++) {
          float[] t = host.get("model.layers." + l + "." + name);
          if (halves && (name.equals("self_attn.q_proj.weight") || name.equals("self_attn.k_proj.weight"))) {
            t = RotaryRows.halvesToPairs(t, c.headSize(), d);
          }
          floats(out, t);
        }
      }
      floats(out, host.get(LlamaWeights.FINAL_NORM));
      int half = c.headSize() / 2;
      float[] real = new float[c.maxSeqLen() * half];
      float[] imag = new float[c.maxSeqLen() * half];
      for (int pos = 0; pos < c.maxSeqLen(); pos++) {
        for (int i = 0; i < half; i++) {
          double angle = pos / Math.pow(10000.0, 2.0 * i / c.headSize());
          real[pos * half + i] = (float) Math.cos(angle);
          imag[pos * half + i] = (float) Math.sin(angle);
        }
      }
      floats(out, real);
      floats(out, imag);
      if (!c.tiedEmbeddings()) {
        floats(out, host.get(LlamaWeights.LM_HEAD));
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void floats(OutputStream out, float[] data) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : data) {
      if (!buf.hasRemaining()) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      buf.putFloat(v);
    }
    out.write(buf.array(), 0, buf.position());
  }
}
