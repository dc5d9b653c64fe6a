package io.shiq.policy.io;

/**
 * The two row orders of a q/k projection under rotary embeddings. llama2.c rotates consecutive rows of a head
 * together, (x0, x1), (x2, x3), ...; Hugging Face rotates row i with row i + headSize / 2, so it stores the same
 * head as x0, x2, ..., x1, x3, .... Converting a checkpoint between the formats permutes the rows of every head;
 * both directions go by the one map from a row's place in the pairs order to its place in the halves order.
 */
final class RotaryRows {
  private RotaryRows() {}

  /** Reorders the rows of each head from (x0, x1), (x2, x3), ... to x0, x2, ..., x1, x3, ... */
  static float[] pairsToHalves(float[] matrix, int headSize, int cols) {
    return permute(matrix, headSize, cols, true);
  }

  /** Reorders the rows of each head from x0, x2, ..., x1, x3, ... to (x0, x1), (x2, x3), ... */
  static float[] halvesToPairs(float[] matrix, int headSize, int cols) {
    return permute(matrix, headSize, cols, false);
  }

  private static float[] permute(float[] matrix, int headSize, int cols, boolean toHalves) {
    float[] out = new float[matrix.length];
    int rows = matrix.length / cols;
    int half = headSize / 2;
    for (int r = 0; r < rows; r++) {
      int head = r / headSize;
      int within = r % headSize;
      int halvesRow = head * headSize + (within % 2 == 0 ? within / 2 : half + within / 2);
      if (toHalves) {
        System.arraycopy(matrix, r * cols, out, halvesRow * cols, cols);
      } else {
        System.arraycopy(matrix, halvesRow * cols, out, r * cols, cols);
      }
    }
    return out;
  }
}
