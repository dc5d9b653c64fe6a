package io.shiq.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.shiq.policy.engine.TorchEngine;
import java.util.ArrayList;
import java.util.List;

/**
 * The training forward pass of {@link Llama} in memory linear in the sequence length. Autograd through the plain
 * forward pass saves every layer's attention probabilities, [B, heads, T, T] (4 GB per layer at T = 8,192 with 32
 * heads); here attention runs in blocks of queries without recording and is differentiated by hand, the way
 * FlashAttention does (Dao et al. 2022: the backward pass recomputes a block's probabilities instead of keeping them).
 *
 * <p>The graph is cut into segments at every layer's input {@code x_l} and attention output {@code o_l}, which are
 * leaves: per layer, segment A maps {@code x_l} to the rotated q, k and v, and segment B maps {@code (x_l, o_l)} to
 * {@code x_(l+1)}. After the caller's backward pass has reached the final hidden states (and so the leaf
 * {@code x_L}), {@link #backward} walks the layers down: a backward pass from {@code <x_(l+1), dx_(l+1)>} through B
 * gives {@code do_l}; attention's backward pass by blocks gives dq, dk, dv; a backward pass from
 * {@code <q, dq> + <k, dk> + <v, dv>} through A completes {@code dx_l}; the embedding's segment comes last. Every
 * parameter receives the gradient of the plain forward pass (to float precision: sums in another order).
 *
 * <p>Memory: O(B T D) activations per layer, plus one block of [B, heads, block, T] scores at a time.
 */
public final class SegmentedForward {
  /** Score elements per attention block (queries x keys x heads x batch): 16 M floats, 64 MB. */
  private static final long BLOCK_ELEMENTS = 1L << 24;

  private final Llama model;
  private final LlamaConfig c;
  private final int batch;
  private final int steps;
  private final int block;
  private final NDArray embedded;
  private final List<Layer> layers = new ArrayList<>();
  /** The additive causal mask of each block of queries. */
  private final List<NDArray> masks = new ArrayList<>();
  /** The leaf holding the last layer's output, which the final norm reads. */
  private final NDArray top;
  private final NDArray hidden;

  /** One layer's segments and what its attention backward pass needs. */
  private record Layer(NDArray input, NDArray q, NDArray k, NDArray v, NDArray out, NDArray outLeaf,
                       NDArray output) {}

  private SegmentedForward(Llama model, NDArray tokens, int queriesPerBlock) {
    this.model = model;
    this.c = model.config();
    this.batch = (int) tokens.getShape().get(0);
    this.steps = (int) tokens.getShape().get(1);
    long perQuery = (long) batch * c.nHeads() * steps;
    this.block = queriesPerBlock > 0 ? queriesPerBlock : (int) Math.max(1, Math.min(steps, BLOCK_ELEMENTS / Math.max(1, perQuery)));
    NDManager m = tokens.getManager();
    long[] positions = new long[batch * steps];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i % steps;
    }
    Llama.Rotary rope = model.rotary(m, positions, batch, steps);
    for (int from = 0; from < steps; from += block) {
      masks.add(causal(m, from, Math.min(steps, from + block))); // the same for every layer
    }
    this.embedded = model.embed(tokens, true).reshape(batch, steps, c.dim());
    NDArray x = leaf(embedded);
    for (LlamaWeights.Layer w : model.weights().layers()) {
      NDArray h = model.rmsnorm(x, w.attnNorm());
      int hd = c.headSize();
      NDArray q = rope.apply(Llama.linear(h, w.wq(), w.bq()).reshape(batch, steps, c.nHeads(), hd));
      NDArray k = rope.apply(Llama.linear(h, w.wk(), w.bk()).reshape(batch, steps, c.nKvHeads(), hd));
      NDArray v = Llama.linear(h, w.wv(), w.bv()).reshape(batch, steps, c.nKvHeads(), hd);
      NDArray out = TorchEngine.withoutGradients(() -> attention(q, k, v));
      NDArray outLeaf = leaf(out);
      NDArray x1 = x.add(Llama.linear(outLeaf.reshape(batch, steps, c.dim()), w.wo(), null));
      NDArray output = x1.add(model.swiglu(model.rmsnorm(x1, w.ffnNorm()), w));
      layers.add(new Layer(x, q, k, v, out, outLeaf, output));
      x = leaf(output);
    }
    this.top = x;
    this.hidden = model.rmsnorm(x, model.weights().finalNorm());
  }

  /**
   * Runs the forward pass of int64 tokens [B, T] at positions 0..T-1 under a causal mask, recording segments for
   * {@link #backward}. Call inside a gradient collector and an {@link ai.djl.ndarray.NDScope}.
   */
  public static SegmentedForward run(Llama model, NDArray tokens) {
    return new SegmentedForward(model, tokens, 0);
  }

  /** As {@link #run(Llama, NDArray)} with {@code block} queries per attention block (tests). */
  static SegmentedForward run(Llama model, NDArray tokens, int block) {
    return new SegmentedForward(model, tokens, block);
  }

  /** Final-normalised hidden states [B, T, D], recorded back to the last layer's output. */
  public NDArray hidden() {
    return hidden;
  }

  /**
   * The rest of the backward pass, once the caller's has reached {@link #hidden()}: through every layer down to the
   * embedding, accumulating into every parameter's gradient. A no-op when no gradient reached the hidden states.
   */
  public void backward(GradientCollector collector) {
    NDArray above = top;
    for (int l = layers.size() - 1; l >= 0; l--) {
      Layer layer = layers.get(l);
      collector.backward(layer.output.mul(above.getGradient()).sum());
      NDArray[] d = TorchEngine.withoutGradients(() -> attentionBackward(layer, layer.outLeaf.getGradient()));
      collector.backward(layer.q.mul(d[0]).sum().add(layer.k.mul(d[1]).sum()).add(layer.v.mul(d[2]).sum()));
      above = layer.input;
    }
    collector.backward(embedded.mul(above.getGradient()).sum());
  }

  /** A leaf holding x's values: the graph is cut here. */
  private static NDArray leaf(NDArray x) {
    NDArray leaf = x.stopGradient();
    leaf.setRequiresGradient(true);
    return leaf;
  }

  /** Queries in the grouped layout [B, KvH, group, T, hd] (query head kv * group + j reads kv head kv). */
  private NDArray grouped(NDArray q) {
    int hd = c.headSize();
    return q.transpose(0, 2, 1, 3).reshape(batch, c.nKvHeads(), c.nHeads() / c.nKvHeads(), steps, hd);
  }

  /** Keys or values in [B, KvH, T, hd]. */
  private static NDArray heads(NDArray k) {
    return k.transpose(0, 2, 1, 3);
  }

  /** Additive causal mask of queries [from, to) over keys [0, to): 0 where key <= query, else -1e9. */
  private static NDArray causal(NDManager m, int from, int to) {
    NDArray queries = m.arange(from, to, 1, DataType.INT64).reshape(-1, 1);
    NDArray keys = m.arange(0, to, 1, DataType.INT64).reshape(1, -1);
    return keys.gt(queries).toType(DataType.FLOAT32, false).mul(Llama.MASKED);
  }

  private NDArray scale(NDManager m) {
    return Scalars.of(m, 1.0 / Math.sqrt(c.headSize()));
  }

  /**
   * softmax(q k^T / sqrt(hd) + causal) v by blocks of queries, each over the keys it may see, in q's layout
   * [B, T, H, hd]. Nothing of a block is kept: the backward pass recomputes its probabilities.
   */
  private NDArray attention(NDArray qIn, NDArray kIn, NDArray vIn) {
    NDManager m = qIn.getManager();
    NDArray q = grouped(qIn.stopGradient());
    NDArray k = heads(kIn.stopGradient()).expandDims(2);                                   // [B, KvH, 1, T, hd]
    NDArray v = heads(vIn.stopGradient()).expandDims(2);
    NDArray scale = scale(m);
    NDArray out = null;
    for (int from = 0, i = 0; from < steps; from += block, i++) {
      int to = Math.min(steps, from + block);
      try (NDScope ignored = new NDScope()) {
        NDArray p = probabilities(q, k, scale, from, to, i);
        NDArray o = p.matMul(to == steps ? v : v.get(new NDIndex(":, :, :, :" + to)));  // [B, KvH, G, b, hd]
        if (from == 0 && to == steps) {
          out = o;
          NDScope.unregister(out);
        } else {
          if (out == null) {
            out = m.zeros(q.getShape());
            NDScope.unregister(out);
          }
          out.set(new NDIndex(":, :, :, " + from + ":" + to), o);
        }
      }
    }
    NDScope.register(out);
    int hd = c.headSize();
    return out.reshape(batch, c.nHeads(), steps, hd).transpose(0, 2, 1, 3);
  }

  /**
   * Attention probabilities of queries [from, to) (block {@code i}) over keys [0, to): softmax of the scaled,
   * causally masked scores, [B, KvH, G, b, to]. The forward and the backward pass compute them with the same ops.
   */
  private NDArray probabilities(NDArray q, NDArray k, NDArray scale, int from, int to, int i) {
    boolean whole = from == 0 && to == steps;
    NDArray qb = whole ? q : q.get(new NDIndex(":, :, :, " + from + ":" + to));           // [B, KvH, G, b, hd]
    NDArray kb = to == steps ? k : k.get(new NDIndex(":, :, :, :" + to));                  // [B, KvH, 1, S, hd]
    return qb.matMul(kb.transpose(0, 1, 2, 4, 3)).mul(scale).add(masks.get(i)).softmax(-1);
  }

  /**
   * Gradients of q, k, v (each in its own layout) from the gradient of the attention output, by blocks of queries:
   * P = softmax(S) (recomputed), dV += P^T dO, dP = dO V^T, dS = P (dP - rowsum(dO O)), dQ = dS K / sqrt(hd),
   * dK += dS^T Q / sqrt(hd), summed over the query heads that share a kv head.
   */
  private NDArray[] attentionBackward(Layer layer, NDArray dOut) {
    NDManager m = dOut.getManager();
    NDArray q = grouped(layer.q.stopGradient());
    NDArray k = heads(layer.k.stopGradient()).expandDims(2);                              // [B, KvH, 1, T, hd]
    NDArray v = heads(layer.v.stopGradient()).expandDims(2);
    NDArray dO = grouped(dOut);
    NDArray rowDot = dO.mul(grouped(layer.out)).sum(new int[] {-1}, true);                 // [B, KvH, G, T, 1]
    NDArray scale = scale(m);
    NDArray dQ = null;
    NDArray dK = null;
    NDArray dV = null;
    for (int from = 0, i = 0; from < steps; from += block, i++) {
      int to = Math.min(steps, from + block);
      boolean whole = from == 0 && to == steps;
      String rows = ":, :, :, " + from + ":" + to;
      try (NDScope ignored = new NDScope()) {
        NDArray p = probabilities(q, k, scale, from, to, i);                                 // [B, KvH, G, b, S]
        NDArray qb = whole ? q : q.get(new NDIndex(rows));
        NDArray kb = to == steps ? k : k.get(new NDIndex(":, :, :, :" + to));
        NDArray vb = to == steps ? v : v.get(new NDIndex(":, :, :, :" + to));
        NDArray dOb = whole ? dO : dO.get(new NDIndex(rows));
        NDArray dP = dOb.matMul(vb.transpose(0, 1, 2, 4, 3));
        NDArray dS = p.mul(dP.sub(whole ? rowDot : rowDot.get(new NDIndex(rows))));
        NDArray dQb = dS.matMul(kb).mul(scale);
        NDArray dVb = p.transpose(0, 1, 2, 4, 3).matMul(dOb).sum(new int[] {2});          // [B, KvH, S, hd]
        NDArray dKb = dS.transpose(0, 1, 2, 4, 3).matMul(qb).sum(new int[] {2}).mul(scale);
        if (whole) {
          dQ = dQb;
          dK = dKb;
          dV = dVb;
          NDScope.unregister(dQ, dK, dV);
        } else {
          if (dQ == null) {
            dQ = m.zeros(q.getShape());
            dK = m.zeros(new Shape(batch, c.nKvHeads(), steps, c.headSize()));
            dV = m.zeros(dK.getShape());
            NDScope.unregister(dQ, dK, dV);
          }
          NDIndex keyRange = new NDIndex(":, :, :" + to);
          dQ.set(new NDIndex(rows), dQb);
          dV.set(keyRange, dV.get(keyRange).add(dVb));
          dK.set(keyRange, dK.get(keyRange).add(dKb));
        }
      }
    }
    NDScope.register(dQ);
    NDScope.register(dK);
    NDScope.register(dV);
    int hd = c.headSize();
    return new NDArray[] {
        dQ.reshape(batch, c.nHeads(), steps, hd).transpose(0, 2, 1, 3),
        dK.transpose(0, 2, 1, 3),
        dV.transpose(0, 2, 1, 3)};
  }
}
