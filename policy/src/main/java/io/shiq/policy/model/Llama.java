package io.shiq.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

/**
 * The Llama decoder's forward pass, written to be read against the equations (as llama2.c's run.c):
 *
 * <pre>
 *   x = E[tokens]
 *   for each layer:
 *     h = rmsnorm(x) * g_att
 *     q, k, v = h Wq^T (+bq), h Wk^T (+bk), h Wv^T (+bv);  q, k = rope(q), rope(k)
 *     x = x + softmax(q k^T / sqrt(hd) + mask) v Wo^T       (grouped-query: head h reads kv head h / (H/KvH))
 *     h = rmsnorm(x) * g_ffn
 *     x = x + (silu(h W1^T) * (h W3^T)) W2^T                 (SwiGLU)
 *   logits = (rmsnorm(x) * g_final) Wout^T
 * </pre>
 *
 * All ops are DJL NDArray ops on the weights' device, so autograd gives gradients of any loss of the logits.
 * Intermediate arrays are registered with the caller's {@link ai.djl.ndarray.NDScope}: wrap calls in one.
 */
public final class Llama {
  /** Additive attention mask value: finite, so a fully masked row cannot turn into NaN. */
  static final float MASKED = -1e9f;

  /** How rotary embeddings are applied; AUTO picks per call by size. Both give the same numbers. */
  public enum RopeMode { AUTO, MATRIX, ELEMENTWISE }

  private final LlamaWeights w;
  private final LlamaConfig c;
  private final float[] inverseFrequencies;
  /** cos and sin of every position below maxSeqLen and every frequency, [position * hd/2 + i], computed once. */
  private final float[] cosTable;
  private final float[] sinTable;
  private final RopeMode ropeMode;

  public Llama(LlamaWeights weights) {
    this(weights, RopeMode.AUTO);
  }

  public Llama(LlamaWeights weights, RopeMode ropeMode) {
    this.w = weights;
    this.ropeMode = ropeMode;
    this.c = weights.config();
    int half = c.headSize() / 2;
    this.inverseFrequencies = new float[half];
    for (int i = 0; i < half; i++) {
      inverseFrequencies[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headSize()));
    }
    this.cosTable = new float[c.maxSeqLen() * half];
    this.sinTable = new float[c.maxSeqLen() * half];
    for (int p = 0; p < c.maxSeqLen(); p++) {
      for (int i = 0; i < half; i++) {
        double angle = p * inverseFrequencies[i];
        cosTable[p * half + i] = (float) Math.cos(angle);
        sinTable[p * half + i] = (float) Math.sin(angle);
      }
    }
  }

  /** cos of the rotary angle of position {@code p} and frequency {@code i} (the same float as computing it). */
  private float cos(long p, int i) {
    int half = inverseFrequencies.length;
    return p >= 0 && p < c.maxSeqLen() ? cosTable[(int) p * half + i] : (float) Math.cos(p * inverseFrequencies[i]);
  }

  private float sin(long p, int i) {
    int half = inverseFrequencies.length;
    return p >= 0 && p < c.maxSeqLen() ? sinTable[(int) p * half + i] : (float) Math.sin(p * inverseFrequencies[i]);
  }

  public LlamaWeights weights() {
    return w;
  }

  public LlamaConfig config() {
    return c;
  }

  /** Logits [B, T, V] of int64 tokens [B, T] at positions 0..T-1 under a causal mask (training, scoring). */
  public NDArray forward(NDArray tokens) {
    return forward(tokens, null, null, null);
  }

  /**
   * The general forward pass. Positions and padding are small host arrays: the rotary tables and the attention mask
   * are built from them on the host and cross to the device as one array each, instead of a dozen tiny device ops
   * per call (per-op dispatch, not arithmetic, dominates a small model's step).
   *
   * @param tokens    [B, T] int64 token ids
   * @param positions B*T rotary positions, row-major; null means cacheLength .. cacheLength+T-1 for every row
   * @param cache     null, or the cache to read earlier positions from and to append this call's keys/values to
   * @param valid     B*T flags, row-major, 1 for real tokens and 0 for left padding (never attended to); null: all
   * @return logits [B, T, V], float32
   */
  public NDArray forward(NDArray tokens, long[] positions, KvCache cache, float[] valid) {
    return logits(hidden(tokens, positions, cache, valid));
  }

  /** Final-normalised hidden states [B, T, D] of tokens at positions 0..T-1 (value heads read these). */
  public NDArray hidden(NDArray tokens) {
    return hidden(tokens, null, null, null);
  }

  /** The output head: logits [B, T, V] of hidden states [B, T, D]. */
  public NDArray logits(NDArray hidden) {
    return linear(hidden, w.output(), null);
  }

  /** Output-head rows {@code [from, to)} of the vocabulary: logits [B, T, to - from] of hidden states [B, T, D]. */
  public NDArray logits(NDArray hidden, int from, int to) {
    return Linear.linear(hidden, w.output().getArray().get(from + ":" + to)).singletonOrThrow();
  }

  /** Everything of {@link #forward(NDArray, long[], KvCache, float[])} but the output head. */
  public NDArray hidden(NDArray tokens, long[] positions, KvCache cache, float[] valid) {
    int batch = (int) tokens.getShape().get(0);
    int steps = (int) tokens.getShape().get(1);
    int past = cache == null ? 0 : cache.length();
    NDManager m = tokens.getManager();
    if (positions == null) {
      positions = new long[batch * steps];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = past + i % steps;
      }
    }
    Rotary rope = rotary(m, positions, batch, steps);
    NDArray mask = attentionMask(m, batch, steps, past, cache, valid);
    NDArray scale = Scalars.of(m, 1.0 / Math.sqrt(c.headSize())); // one per call, not per layer

    // With a cache the call is generation (never differentiated): a gather, not the one-hot matmul, reads the rows.
    NDArray x = embed(tokens, cache == null).reshape(batch, steps, c.dim());
    for (int l = 0; l < c.nLayers(); l++) {
      LlamaWeights.Layer layer = w.layers().get(l);
      NDArray h = rmsnorm(x, layer.attnNorm());
      x = x.add(attention(h, layer, l, rope, mask, scale, cache));
      h = rmsnorm(x, layer.ffnNorm());
      x = x.add(swiglu(h, layer));
    }
    if (cache != null) {
      cache.advance(batch, steps, valid);
    }
    return rmsnorm(x, w.finalNorm());
  }

  /**
   * Rows of the embedding for tokens [B, T], as [B*T, D]. Small lookups go through a one-hot matmul because its
   * backward is a matmul and so deterministic; the index-based backward accumulates repeated tokens (BOS in every
   * row) in a thread-dependent order, which breaks bit-for-bit resumption of training on CPU. Both give the same
   * rows bit for bit (1 * x + 0 * y + ... is x); {@code differentiable} false (generation) takes the gather, which at
   * a real vocabulary saves a [B*T, V] x [V, D] product per step.
   */
  NDArray embed(NDArray tokens, boolean differentiable) {
    NDArray table = w.tokenEmbedding().getArray();
    NDArray flat = tokens.reshape(-1);
    if (differentiable && flat.size() * c.vocabSize() <= ONE_HOT_LIMIT) {
      return flat.oneHot(c.vocabSize(), DataType.FLOAT32).matMul(table);
    }
    return table.get(flat);
  }

  /**
   * logsumexp over the last axis, [..., V] -> [...], computed as max + ln sum exp(x - max) so large logits do not
   * overflow; the max is a constant for autograd (its gradient cancels exactly).
   */
  public static NDArray logSumExp(NDArray x) {
    NDArray max = x.max(new int[] {-1}, true).stopGradient();
    return x.sub(max).exp().sum(new int[] {-1}, true).log().add(max).squeeze(-1);
  }

  /** Largest (tokens x vocabulary) one-hot built for an embedding lookup (64 M floats = 256 MB). */
  private static final long ONE_HOT_LIMIT = 1L << 26;

  private NDArray attention(NDArray h, LlamaWeights.Layer layer, int l, Rotary rope, NDArray mask, NDArray scale,
                            KvCache cache) {
    long b = h.getShape().get(0);
    long t = h.getShape().get(1);
    int hd = c.headSize();
    int group = c.nHeads() / c.nKvHeads();
    NDArray q = rope.apply(linear(h, layer.wq(), layer.bq()).reshape(b, t, c.nHeads(), hd));
    NDArray k = rope.apply(linear(h, layer.wk(), layer.bk()).reshape(b, t, c.nKvHeads(), hd));
    NDArray v = linear(h, layer.wv(), layer.bv());
    NDArray keysT; // [B, KvH, hd, T]: keys are kept transposed, ready for q k^T
    if (t == 1) {
      // One new position (decoding): [B, 1, heads, hd] is already [B, heads, 1, hd] (and [B, heads, hd, 1]) in memory.
      q = q.reshape(b, c.nKvHeads(), group, hd);
      keysT = k.reshape(b, c.nKvHeads(), hd, 1);
      v = v.reshape(b, c.nKvHeads(), 1, hd);
    } else {
      q = q.transpose(0, 2, 1, 3).reshape(b, c.nKvHeads(), group * t, hd); // head kv*group+j reads kv head kv
      keysT = k.transpose(0, 2, 3, 1);                                      // [B, KvH, hd, T]
      v = v.reshape(b, t, c.nKvHeads(), hd).transpose(0, 2, 1, 3);          // [B, KvH, T, hd]
    }
    if (cache != null) {
      NDArray[] kv = cache.append(l, keysT, v);                              // [B, KvH, hd, S], [B, KvH, S, hd]
      keysT = kv[0];
      v = kv[1];
    }
    long s = keysT.getShape().get(3);
    NDArray scores = q.matMul(keysT).mul(scale);                             // not mul(double): see Scalars
    if (t == 1) {
      // mask: [B or 1, 1, 1, S], broadcast over [B, KvH, group, S]
      return linear(scores.add(mask).softmax(-1).matMul(v).reshape(b, 1, c.dim()), layer.wo(), null);
    }
    NDArray out = scores.reshape(b, c.nKvHeads(), group, t, s)
        .add(mask)                                                           // mask: [B or 1, 1, 1, T, S]
        .softmax(-1)
        .reshape(b, c.nKvHeads(), group * t, s)
        .matMul(v);                                                          // [B, KvH, group*T, hd]
    out = out.reshape(b, c.nHeads(), t, hd).transpose(0, 2, 1, 3).reshape(b, t, c.dim());
    return linear(out, layer.wo(), null);
  }

  NDArray swiglu(NDArray h, LlamaWeights.Layer layer) {
    NDArray gate = linear(h, layer.w1(), null);
    NDArray up = linear(h, layer.w3(), null);
    return linear(gate.mul(Activation.sigmoid(gate)).mul(up), layer.w2(), null);
  }

  NDArray rmsnorm(NDArray x, Parameter gain) {
    NDArray ms = x.square().mean(new int[] {-1}, true);
    return x.div(ms.add(c.normEps()).sqrt()).mul(gain.getArray());
  }

  static NDArray linear(NDArray x, Parameter weight, Parameter bias) {
    NDList out = bias == null ? Linear.linear(x, weight.getArray()) : Linear.linear(x, weight.getArray(),
        bias.getArray());
    return out.singletonOrThrow();
  }

  /**
   * Rotary position embedding for one forward call. For small calls (decoding) the rotation of each position is a
   * [hd, hd] matrix applied with one matmul; for large ones (training) cos/sin tables are applied elementwise.
   * Both are built on the host from the positions.
   */
  final class Rotary {
    private final NDArray rotation; // [B, T, hd, hd] (transposed), or null
    private final NDArray cos;      // [B, T, 1, hd/2]
    private final NDArray sin;

    Rotary(NDArray rotation, NDArray cos, NDArray sin) {
      this.rotation = rotation;
      this.cos = cos;
      this.sin = sin;
    }

    /** Rotates x [B, T, heads, hd]. */
    NDArray apply(NDArray x) {
      if (rotation != null) {
        return x.matMul(rotation); // [B, T, heads, hd] x [B, T, hd, hd]: one batched product
      }
      int half = c.headSize() / 2;
      Shape shape = x.getShape();
      if (c.ropeLayout() == LlamaConfig.RopeLayout.PAIRS) {
        NDArray pairs = x.reshape(shape.get(0), shape.get(1), shape.get(2), half, 2);
        NDArray x0 = pairs.get(new NDIndex("..., 0"));
        NDArray x1 = pairs.get(new NDIndex("..., 1"));
        NDArray r0 = x0.mul(cos).sub(x1.mul(sin));
        NDArray r1 = x0.mul(sin).add(x1.mul(cos));
        return NDArrays.stack(new NDList(r0, r1), -1).reshape(shape);
      }
      NDArray x1 = x.get(new NDIndex("..., :" + half));
      NDArray x2 = x.get(new NDIndex("..., " + half + ":"));
      return x1.mul(cos).sub(x2.mul(sin)).concat(x2.mul(cos).add(x1.mul(sin)), -1);
    }
  }

  /** Largest B*T*hd*hd for which rotation matrices are used. */
  private static final long ROTATION_MATRIX_LIMIT = 1L << 20;

  Rotary rotary(NDManager m, long[] positions, int batch, int steps) {
    int hd = c.headSize();
    int half = hd / 2;
    boolean pairs = c.ropeLayout() == LlamaConfig.RopeLayout.PAIRS;
    boolean matrix = switch (ropeMode) {
      case MATRIX -> true;
      case ELEMENTWISE -> false;
      case AUTO -> (long) batch * steps * hd * hd <= ROTATION_MATRIX_LIMIT;
    };
    if (matrix) {
      // Row-vector convention: rotated = x R^T, so fill R^T[in][out].
      float[] r = new float[batch * steps * hd * hd];
      for (int p = 0; p < batch * steps; p++) {
        int base = p * hd * hd;
        for (int i = 0; i < half; i++) {
          float cs = cos(positions[p], i);
          float sn = sin(positions[p], i);
          int a = pairs ? 2 * i : i;
          int bIdx = pairs ? 2 * i + 1 : i + half;
          // out_a = x_a cos - x_b sin ; out_b = x_a sin + x_b cos
          r[base + a * hd + a] = cs;
          r[base + bIdx * hd + a] = -sn;
          r[base + a * hd + bIdx] = sn;
          r[base + bIdx * hd + bIdx] = cs;
        }
      }
      return new Rotary(m.create(r, new Shape(batch, steps, hd, hd)), null, null);
    }
    float[] cs = new float[batch * steps * half];
    float[] sn = new float[batch * steps * half];
    for (int p = 0; p < batch * steps; p++) {
      for (int i = 0; i < half; i++) {
        cs[p * half + i] = cos(positions[p], i);
        sn[p * half + i] = sin(positions[p], i);
      }
    }
    Shape shape = new Shape(batch, steps, 1, half);
    return new Rotary(null, m.create(cs, shape), m.create(sn, shape));
  }

  /**
   * Additive mask [B or 1, 1, 1, T, S] ([B or 1, 1, 1, S] when T = 1), built on the host: query i (absolute position past+i) sees key j when
   * j <= past+i and key j is a real token; it always sees itself, so rows of padding stay finite.
   */
  private NDArray attentionMask(NDManager m, int batch, int steps, int past, KvCache cache, float[] valid) {
    int total = past + steps;
    boolean perRow = valid != null || (cache != null && cache.hasPadding());
    int rows = perRow ? batch : 1;
    float[] bias = new float[rows * steps * total];
    for (int b = 0; b < rows; b++) {
      for (int i = 0; i < steps; i++) {
        int query = past + i;
        int base = (b * steps + i) * total;
        for (int j = 0; j < total; j++) {
          boolean real = !perRow || (j < past ? cache.isValid(b, j) : valid == null || valid[b * steps + j - past] > 0);
          boolean allowed = j == query || (j <= query && real);
          bias[base + j] = allowed ? 0f : MASKED;
        }
      }
    }
    return m.create(bias, steps == 1 ? new Shape(rows, 1, 1, total) : new Shape(rows, 1, 1, steps, total));
  }
}
