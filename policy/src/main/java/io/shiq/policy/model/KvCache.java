package io.shiq.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Arrays;

/**
 * Keys and values of every layer for the positions seen so far, [B, nKvHeads, S, headSize] each, plus (on the host)
 * which of the S key positions are real tokens (left padding is not). Device arrays are taken out of any
 * {@link NDScope} so the cache outlives the step that wrote it; close the cache when the generation ends.
 */
public final class KvCache implements AutoCloseable {
  private final NDArray[] keys;
  private final NDArray[] values;
  private float[] keyValid = new float[0]; // [B * capacity] row-major, 1 real, 0 padding
  private int batch;
  private int capacity;
  private boolean padding;
  private int length;

  public KvCache(int nLayers) {
    this.keys = new NDArray[nLayers];
    this.values = new NDArray[nLayers];
  }

  /** Number of positions cached (S). */
  public int length() {
    return length;
  }

  /** Whether any cached position is padding (then masks need one row per sequence). */
  boolean hasPadding() {
    return padding;
  }

  boolean isValid(int row, int position) {
    return keyValid[row * capacity + position] > 0;
  }

  /** Appends this step's keys and values of one layer; returns the full [B, KvH, S, hd] arrays. */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    NDArray newK = keys[layer] == null ? k : keys[layer].concat(k, 2);
    NDArray newV = values[layer] == null ? v : values[layer].concat(v, 2);
    replace(keys, layer, newK);
    replace(values, layer, newV);
    return new NDArray[] {newK, newV};
  }

  /** Records the validity of the new positions (null: all real) and advances the length. */
  void advance(int rows, int steps, float[] valid) {
    if (length == 0) {
      batch = rows;
    }
    if (length + steps > capacity) {
      int newCapacity = Math.max(length + steps, capacity * 2);
      float[] grown = new float[batch * newCapacity];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(keyValid, b * capacity, grown, b * newCapacity, length);
      }
      keyValid = grown;
      capacity = newCapacity;
    }
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < steps; t++) {
        float flag = valid == null ? 1f : valid[b * steps + t];
        keyValid[b * capacity + length + t] = flag;
        padding |= flag <= 0;
      }
    }
    length += steps;
  }

  private static void replace(NDArray[] slots, int i, NDArray next) {
    NDScope.unregister(next);
    if (slots[i] != null && slots[i] != next) {
      slots[i].close();
    }
    slots[i] = next;
  }

  @Override
  public void close() {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != null) {
        keys[i].close();
        keys[i] = null;
      }
      if (values[i] != null) {
        values[i].close();
        values[i] = null;
      }
    }
    Arrays.fill(keyValid, 0f);
    length = 0;
    padding = false;
  }
}
