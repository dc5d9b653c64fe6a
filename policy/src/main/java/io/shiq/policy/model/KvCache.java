package io.shiq.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of every layer for the positions seen so far, [B, nKvHeads, S, headSize] each, plus which of
 * the S key positions are real tokens (left padding is not). Arrays are taken out of any {@link NDScope} so the
 * cache outlives the step that wrote it; close the cache when the generation ends.
 */
public final class KvCache implements AutoCloseable {
  private final NDArray[] keys;
  private final NDArray[] values;
  private NDArray keyValid; // [B, S] float32: 1 real, 0 padding
  private int length;

  public KvCache(int nLayers) {
    this.keys = new NDArray[nLayers];
    this.values = new NDArray[nLayers];
  }

  /** Number of positions cached (S). */
  public int length() {
    return length;
  }

  NDArray keys(int layer) {
    return keys[layer];
  }

  NDArray values(int layer) {
    return values[layer];
  }

  NDArray keyValid() {
    return keyValid;
  }

  /** Appends this step's keys and values of one layer; returns the full [B, KvH, S, hd] arrays. */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    NDArray newK = keys[layer] == null ? k : keys[layer].concat(k, 2);
    NDArray newV = values[layer] == null ? v : values[layer].concat(v, 2);
    replace(keys, layer, newK);
    replace(values, layer, newV);
    return new NDArray[] {newK, newV};
  }

  /** Records the validity of the new positions and advances the length (after all layers appended). */
  NDArray advance(NDArray newValid, int steps) {
    NDArray all = keyValid == null ? newValid : keyValid.concat(newValid, 1);
    NDScope.unregister(all);
    if (keyValid != null && keyValid != all) {
      keyValid.close();
    }
    keyValid = all;
    length += steps;
    return all;
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
    if (keyValid != null) {
      keyValid.close();
      keyValid = null;
    }
    length = 0;
  }
}
