package io.shiq.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Keys and values of every layer for the positions seen so far, plus (on the host) which of the S key positions are
 * real tokens (left padding is not). Each layer's keys live in one preallocated buffer [B, nKvHeads, headSize, C]
 * (transposed, as q k^T reads them) and its values in one [B, nKvHeads, C, headSize], C >= S: a step writes its
 * positions in place (one op per array) instead of copying the whole cache into a longer one, and reads the first S
 * positions as views. C starts at the capacity hint (or what the first call needs) and doubles when outgrown.
 * Device arrays are taken out of any {@link NDScope} so the cache outlives the step that wrote it; close the cache
 * when the generation ends.
 */
public final class KvCache implements AutoCloseable {
  private final NDArray[] keys;   // [B, KvH, hd, C] per layer
  private final NDArray[] values; // [B, KvH, C, hd] per layer
  private final int capacityHint;
  private float[] keyValid = new float[0]; // [B * capacity] row-major, 1 real, 0 padding
  private int batch;
  private int capacity;
  private boolean padding;
  private int length;

  public KvCache(int nLayers) {
    this(nLayers, 0);
  }

  /**
   * @param capacityHint positions to allocate room for at the first call (the prompt plus the tokens to generate);
   *                     the buffers grow by doubling past it
   */
  public KvCache(int nLayers, int capacityHint) {
    this.keys = new NDArray[nLayers];
    this.values = new NDArray[nLayers];
    this.capacityHint = capacityHint;
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

  /**
   * Writes this call's transposed keys [B, KvH, hd, T] and values [B, KvH, T, hd] of one layer at positions
   * {@link #length()}..+T; returns views of all S = length + T positions, [B, KvH, hd, S] and [B, KvH, S, hd].
   */
  NDArray[] append(int layer, NDArray keysT, NDArray v) {
    Shape vs = v.getShape();
    int steps = (int) vs.get(2);
    int end = length + steps;
    int allocated = keys[layer] == null ? 0 : (int) keys[layer].getShape().get(3);
    if (end > allocated) {
      int deviceCapacity = allocated == 0 ? Math.max(end, capacityHint) : Math.max(end, 2 * allocated);
      long b = vs.get(0);
      long heads = vs.get(1);
      long hd = vs.get(3);
      NDArray k = keysT.getManager().zeros(new Shape(b, heads, hd, deviceCapacity), keysT.getDataType());
      NDArray val = v.getManager().zeros(new Shape(b, heads, deviceCapacity, hd), v.getDataType());
      if (keys[layer] != null && length > 0) {
        k.set(new NDIndex(":, :, :, :{}", length), keys[layer].get(new NDIndex(":, :, :, :{}", length)));
        val.set(new NDIndex(":, :, :{}", length), values[layer].get(new NDIndex(":, :, :{}", length)));
      }
      replace(keys, layer, k);
      replace(values, layer, val);
    }
    // Indices built directly, not parsed from strings: this runs for every layer of every decode step.
    keys[layer].set(new NDIndex().addAllDim(3).addSliceDim(length, end), keysT);
    values[layer].set(new NDIndex().addAllDim(2).addSliceDim(length, end), v);
    return new NDArray[] {keys[layer].get(new NDIndex().addAllDim(3).addSliceDim(0, end)),
        values[layer].get(new NDIndex().addAllDim(2).addSliceDim(0, end))};
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
