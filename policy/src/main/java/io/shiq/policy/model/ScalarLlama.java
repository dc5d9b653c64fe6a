package io.shiq.policy.model;

import java.util.Map;

/**
 * The same decoder as {@link Llama}, for one sequence, in plain Java loops over float arrays: a line-by-line port of
 * llama2.c's run.c forward(). It is the baseline of {@code shiq bench generate} (what the model costs without any
 * per-op dispatch) and an independent check of the DJL implementation in tests. Inference only.
 */
public final class ScalarLlama {
  private final LlamaConfig c;
  private final float[] embedding;
  private final float[][] attnNorm;
  private final float[][] wq;
  private final float[][] wk;
  private final float[][] wv;
  private final float[][] wo;
  private final float[][] bq;
  private final float[][] bk;
  private final float[][] bv;
  private final float[][] ffnNorm;
  private final float[][] w1;
  private final float[][] w2;
  private final float[][] w3;
  private final float[] finalNorm;
  private final float[] output;
  // RunState
  private final float[] x;
  private final float[] xb;
  private final float[] xb2;
  private final float[] hb;
  private final float[] hb2;
  private final float[] q;
  private final float[] att;
  private final float[] logits;
  private final float[][] keyCache;   // [layer][pos * kvDim + ...]
  private final float[][] valueCache;

  public ScalarLlama(LlamaWeights weights) {
    this.c = weights.config();
    Map<String, float[]> h = weights.toHost();
    int layers = c.nLayers();
    embedding = h.get(LlamaWeights.EMBED);
    attnNorm = new float[layers][];
    wq = new float[layers][];
    wk = new float[layers][];
    wv = new float[layers][];
    wo = new float[layers][];
    bq = new float[layers][];
    bk = new float[layers][];
    bv = new float[layers][];
    ffnNorm = new float[layers][];
    w1 = new float[layers][];
    w2 = new float[layers][];
    w3 = new float[layers][];
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      attnNorm[l] = h.get(p + "input_layernorm.weight");
      wq[l] = h.get(p + "self_attn.q_proj.weight");
      wk[l] = h.get(p + "self_attn.k_proj.weight");
      wv[l] = h.get(p + "self_attn.v_proj.weight");
      wo[l] = h.get(p + "self_attn.o_proj.weight");
      bq[l] = h.get(p + "self_attn.q_proj.bias");
      bk[l] = h.get(p + "self_attn.k_proj.bias");
      bv[l] = h.get(p + "self_attn.v_proj.bias");
      ffnNorm[l] = h.get(p + "post_attention_layernorm.weight");
      w1[l] = h.get(p + "mlp.gate_proj.weight");
      w2[l] = h.get(p + "mlp.down_proj.weight");
      w3[l] = h.get(p + "mlp.up_proj.weight");
    }
    finalNorm = h.get(LlamaWeights.FINAL_NORM);
    output = c.tiedEmbeddings() ? embedding : h.get(LlamaWeights.LM_HEAD);
    int d = c.dim();
    x = new float[d];
    xb = new float[d];
    xb2 = new float[d];
    hb = new float[c.hiddenDim()];
    hb2 = new float[c.hiddenDim()];
    q = new float[d];
    att = new float[c.nHeads() * c.maxSeqLen()];
    logits = new float[c.vocabSize()];
    keyCache = new float[layers][c.maxSeqLen() * c.kvDim()];
    valueCache = new float[layers][c.maxSeqLen() * c.kvDim()];
  }

  /** Logits of the next token after {@code token} at {@code pos} (positions must be fed 0, 1, 2, ... in order). */
  public float[] forward(int token, int pos) {
    int d = c.dim();
    int kvDim = c.kvDim();
    int hs = c.headSize();
    int kvMul = c.nHeads() / c.nKvHeads();
    System.arraycopy(embedding, token * d, x, 0, d);
    for (int l = 0; l < c.nLayers(); l++) {
      rmsnorm(xb, x, attnNorm[l]);
      int loff = pos * kvDim;
      matmul(q, xb, wq[l], d, d, bq[l]);
      float[] k = new float[kvDim];
      float[] v = new float[kvDim];
      matmul(k, xb, wk[l], d, kvDim, bk[l]);
      matmul(v, xb, wv[l], d, kvDim, bv[l]);
      rope(q, c.nHeads(), pos);
      rope(k, c.nKvHeads(), pos);
      System.arraycopy(k, 0, keyCache[l], loff, kvDim);
      System.arraycopy(v, 0, valueCache[l], loff, kvDim);
      for (int h = 0; h < c.nHeads(); h++) {
        int kvHead = h / kvMul;
        int attOff = h * c.maxSeqLen();
        for (int t = 0; t <= pos; t++) {
          float score = 0;
          for (int i = 0; i < hs; i++) {
            score += q[h * hs + i] * keyCache[l][t * kvDim + kvHead * hs + i];
          }
          att[attOff + t] = (float) (score / Math.sqrt(hs));
        }
        softmax(att, attOff, pos + 1);
        for (int i = 0; i < hs; i++) {
          float acc = 0;
          for (int t = 0; t <= pos; t++) {
            acc += att[attOff + t] * valueCache[l][t * kvDim + kvHead * hs + i];
          }
          xb[h * hs + i] = acc;
        }
      }
      matmul(xb2, xb, wo[l], d, d, null);
      for (int i = 0; i < d; i++) {
        x[i] += xb2[i];
      }
      rmsnorm(xb, x, ffnNorm[l]);
      matmul(hb, xb, w1[l], d, c.hiddenDim(), null);
      matmul(hb2, xb, w3[l], d, c.hiddenDim(), null);
      for (int i = 0; i < c.hiddenDim(); i++) {
        float val = hb[i];
        hb[i] = (float) (val / (1.0 + Math.exp(-val))) * hb2[i];
      }
      matmul(xb, hb, w2[l], c.hiddenDim(), d, null);
      for (int i = 0; i < d; i++) {
        x[i] += xb[i];
      }
    }
    rmsnorm(x, x, finalNorm);
    matmul(logits, x, output, d, c.vocabSize(), null);
    return logits;
  }

  private void rmsnorm(float[] out, float[] in, float[] weight) {
    double ss = 0;
    for (float v : in) {
      ss += v * v;
    }
    float scale = (float) (1.0 / Math.sqrt(ss / in.length + c.normEps()));
    for (int i = 0; i < in.length; i++) {
      out[i] = weight[i] * (scale * in[i]);
    }
  }

  /** out[n] = W[n, k] in[k] (+ bias), W row-major [out, in]. */
  private static void matmul(float[] out, float[] in, float[] w, int n, int d, float[] bias) {
    for (int i = 0; i < d; i++) {
      float acc = 0;
      int row = i * n;
      for (int j = 0; j < n; j++) {
        acc += w[row + j] * in[j];
      }
      out[i] = bias == null ? acc : acc + bias[i];
    }
  }

  private void rope(float[] vec, int heads, int pos) {
    int hs = c.headSize();
    int half = hs / 2;
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < half; i++) {
        double freq = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / hs);
        float cos = (float) Math.cos(pos * freq);
        float sin = (float) Math.sin(pos * freq);
        int a = c.ropeLayout() == LlamaConfig.RopeLayout.PAIRS ? h * hs + 2 * i : h * hs + i;
        int b = c.ropeLayout() == LlamaConfig.RopeLayout.PAIRS ? a + 1 : a + half;
        float v0 = vec[a];
        float v1 = vec[b];
        vec[a] = v0 * cos - v1 * sin;
        vec[b] = v0 * sin + v1 * cos;
      }
    }
  }

  private static void softmax(float[] v, int off, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, v[off + i]);
    }
    float sum = 0;
    for (int i = 0; i < n; i++) {
      v[off + i] = (float) Math.exp(v[off + i] - max);
      sum += v[off + i];
    }
    for (int i = 0; i < n; i++) {
      v[off + i] /= sum;
    }
  }
}
