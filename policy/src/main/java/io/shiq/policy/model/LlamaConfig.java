package io.shiq.policy.model;

/**
 * Hyper-parameters of a Llama-family decoder (Llama, Qwen2, llama2.c checkpoints).
 *
 * @param dim            model width d
 * @param hiddenDim      SwiGLU inner width
 * @param nLayers        transformer blocks
 * @param nHeads         query heads
 * @param nKvHeads       key/value heads (grouped-query attention: nHeads is a multiple of it)
 * @param vocabSize      vocabulary size V
 * @param maxSeqLen      longest sequence the model was trained for
 * @param ropeTheta      RoPE base frequency
 * @param normEps        RMSNorm epsilon
 * @param qkvBias        q/k/v projections have biases (Qwen2)
 * @param tiedEmbeddings the output head is the token embedding
 * @param ropeLayout     which coordinates RoPE rotates together
 */
public record LlamaConfig(int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads, int vocabSize,
                          int maxSeqLen, double ropeTheta, double normEps, boolean qkvBias,
                          boolean tiedEmbeddings, RopeLayout ropeLayout) {

  /** llama2.c rotates consecutive pairs (x[2i], x[2i+1]); Hugging Face Llama/Qwen rotate (x[i], x[i+d/2]). */
  public enum RopeLayout { PAIRS, HALVES }

  public LlamaConfig {
    positive("dim", dim);
    positive("hiddenDim", hiddenDim);
    positive("nLayers", nLayers);
    positive("nHeads", nHeads);
    positive("nKvHeads", nKvHeads);
    positive("vocabSize", vocabSize);
    positive("maxSeqLen", maxSeqLen);
    if (dim % nHeads != 0) {
      throw new IllegalArgumentException("dim " + dim + " is not a multiple of nHeads " + nHeads);
    }
    if (nHeads % nKvHeads != 0) {
      throw new IllegalArgumentException("nHeads " + nHeads + " is not a multiple of nKvHeads " + nKvHeads);
    }
    if ((dim / nHeads) % 2 != 0) {
      throw new IllegalArgumentException("head size " + dim / nHeads + " must be even for rotary embeddings");
    }
    if (!(ropeTheta > 0) || !(normEps > 0)) {
      throw new IllegalArgumentException("ropeTheta and normEps must be > 0, got " + ropeTheta + ", " + normEps);
    }
    if (ropeLayout == null) {
      throw new IllegalArgumentException("ropeLayout is required");
    }
  }

  public int headSize() {
    return dim / nHeads;
  }

  public int kvDim() {
    return nKvHeads * headSize();
  }

  /** A small config for tests and synthetic tasks. */
  public static LlamaConfig tiny(int vocabSize) {
    return new LlamaConfig(32, 64, 2, 4, 2, vocabSize, 128, 10000, 1e-5, false, true, RopeLayout.HALVES);
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }
}
