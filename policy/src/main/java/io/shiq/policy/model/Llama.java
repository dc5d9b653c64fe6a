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
  private static final float MASKED = -1e9f;

  private final LlamaWeights w;
  private final LlamaConfig c;
  private final float[] inverseFrequencies;

  public Llama(LlamaWeights weights) {
    this.w = weights;
    this.c = weights.config();
    int half = c.headSize() / 2;
    this.inverseFrequencies = new float[half];
    for (int i = 0; i < half; i++) {
      inverseFrequencies[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headSize()));
    }
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
   * The general forward pass.
   *
   * @param tokens    [B, T] int64 token ids
   * @param positions [B, T] int64 rotary positions; null means cacheLength .. cacheLength+T-1 for every row
   * @param cache     null, or the cache to read earlier positions from and to append this call's keys/values to
   * @param valid     [B, T] float32, 1 for real tokens and 0 for left padding (never attended to); null: all real
   * @return logits [B, T, V], float32
   */
  public NDArray forward(NDArray tokens, NDArray positions, KvCache cache, NDArray valid) {
    long batch = tokens.getShape().get(0);
    int steps = (int) tokens.getShape().get(1);
    int past = cache == null ? 0 : cache.length();
    NDManager m = tokens.getManager();

    if (positions == null) {
      positions = m.arange(past, past + steps, 1, DataType.INT64).reshape(1, steps).repeat(0, batch);
    }
    NDArray[] rope = rotaryCosSin(positions);
    NDArray mask = attentionMask(m, batch, steps, past, cache, valid);

    NDArray x = w.tokenEmbedding().getArray().get(tokens.reshape(-1)).reshape(batch, steps, c.dim());
    for (int l = 0; l < c.nLayers(); l++) {
      LlamaWeights.Layer layer = w.layers().get(l);
      NDArray h = rmsnorm(x, layer.attnNorm());
      x = x.add(attention(h, layer, l, rope, mask, cache));
      h = rmsnorm(x, layer.ffnNorm());
      x = x.add(swiglu(h, layer));
    }
    if (cache != null) {
      cache.advance(valid != null ? valid : m.ones(new Shape(batch, steps)), steps);
    }
    return linear(rmsnorm(x, w.finalNorm()), w.output(), null);
  }

  private NDArray attention(NDArray h, LlamaWeights.Layer layer, int l, NDArray[] rope, NDArray mask,
                            KvCache cache) {
    long b = h.getShape().get(0);
    long t = h.getShape().get(1);
    int hd = c.headSize();
    int group = c.nHeads() / c.nKvHeads();
    NDArray q = rotate(linear(h, layer.wq(), layer.bq()).reshape(b, t, c.nHeads(), hd), rope);
    NDArray k = rotate(linear(h, layer.wk(), layer.bk()).reshape(b, t, c.nKvHeads(), hd), rope);
    NDArray v = linear(h, layer.wv(), layer.bv()).reshape(b, t, c.nKvHeads(), hd);
    q = q.transpose(0, 2, 1, 3);                                   // [B, H, T, hd]
    k = k.transpose(0, 2, 1, 3);                                   // [B, KvH, T, hd]
    v = v.transpose(0, 2, 1, 3);
    if (cache != null) {
      NDArray[] kv = cache.append(l, k, v);                       // [B, KvH, S, hd]
      k = kv[0];
      v = kv[1];
    }
    long s = k.getShape().get(2);
    // Query head kv*group + j uses kv head kv: fold the group into the query rows.
    NDArray scores = q.reshape(b, c.nKvHeads(), group * t, hd)
        .matMul(k.transpose(0, 1, 3, 2))
        .mul(1.0 / Math.sqrt(hd))
        .reshape(b, c.nKvHeads(), group, t, s)
        .add(mask);                                                // mask: [B or 1, 1, 1, T, S]
    NDArray out = scores.softmax(-1)
        .reshape(b, c.nKvHeads(), group * t, s)
        .matMul(v)                                                 // [B, KvH, group*T, hd]
        .reshape(b, c.nHeads(), t, hd)
        .transpose(0, 2, 1, 3)
        .reshape(b, t, c.dim());
    return linear(out, layer.wo(), null);
  }

  private NDArray swiglu(NDArray h, LlamaWeights.Layer layer) {
    NDArray gate = linear(h, layer.w1(), null);
    NDArray up = linear(h, layer.w3(), null);
    return linear(gate.mul(Activation.sigmoid(gate)).mul(up), layer.w2(), null);
  }

  private NDArray rmsnorm(NDArray x, Parameter gain) {
    NDArray ms = x.square().mean(new int[] {-1}, true);
    return x.div(ms.add(c.normEps()).sqrt()).mul(gain.getArray());
  }

  private static NDArray linear(NDArray x, Parameter weight, Parameter bias) {
    NDList out = bias == null ? Linear.linear(x, weight.getArray()) : Linear.linear(x, weight.getArray(),
        bias.getArray());
    return out.singletonOrThrow();
  }

  /** cos and sin of position * theta^(-2i/hd), each [B, T, 1, hd/2] to broadcast over heads. */
  private NDArray[] rotaryCosSin(NDArray positions) {
    NDArray freqs = positions.getManager().create(inverseFrequencies);
    NDArray angles = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(freqs).expandDims(2);
    return new NDArray[] {angles.cos(), angles.sin()};
  }

  /** Rotates x [B, T, heads, hd] by the position angles, in the checkpoint's coordinate layout. */
  private NDArray rotate(NDArray x, NDArray[] rope) {
    NDArray cos = rope[0];
    NDArray sin = rope[1];
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

  /**
   * Additive mask [B or 1, 1, 1, T, S]: query i (absolute position past+i) sees key j when j <= past+i and key j
   * is a real token; it always sees itself, so rows of padding stay finite.
   */
  private NDArray attentionMask(NDManager m, long batch, int steps, int past, KvCache cache, NDArray valid) {
    int total = past + steps;
    NDArray queryIndex = m.arange(past, total, 1, DataType.INT64).reshape(steps, 1);
    NDArray keyIndex = m.arange(0, total, 1, DataType.INT64).reshape(1, total);
    NDArray causal = keyIndex.lte(queryIndex);                      // [T, S]
    NDArray self = keyIndex.eq(queryIndex);
    NDArray allowed = causal.reshape(1, steps, total);
    NDArray keyValid = null;
    if (cache != null && cache.keyValid() != null) {
      keyValid = cache.keyValid().concat(valid != null ? valid : m.ones(new Shape(batch, steps)), 1);
    } else if (valid != null) {
      keyValid = valid;
    }
    if (keyValid != null) {
      allowed = allowed.logicalAnd(keyValid.reshape(batch, 1, total).gt(0.5f));   // [B, T, S]
    }
    allowed = allowed.logicalOr(self.reshape(1, steps, total));
    NDArray bias = allowed.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED);
    return bias.reshape(bias.getShape().get(0), 1, 1, steps, total);
  }
}
