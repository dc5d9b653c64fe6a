package io.shiq.policy.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.model.KvCache;
import io.shiq.policy.model.Llama;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched generation with a KV cache. Prompts of different lengths are left-padded into one batch (padding is
 * masked out and rotary positions start at 0 for every prompt), then one token per sequence is sampled per
 * step from the last position's logits: on the device for greedy decoding and plain temperature sampling (only the
 * B chosen ids and their log-probabilities cross to the host), on the host with top-k or top-p (then [B, V] floats
 * cross per step). Sampling uses softmax(logits) only: no reference model is involved.
 */
public final class Generator {
  private final Llama model;
  private final boolean useKvCache;
  private final Sampler.Place samplingPlace;

  /** Prompt positions per forward call when filling the cache (see {@link #prefill}). */
  static final int PREFILL_CHUNK = 512;
  private final int prefillChunk;

  public Generator(Llama model) {
    this(model, true);
  }

  /**
   * @param useKvCache false recomputes the whole sequence at every step (quadratic; for benchmarks and checks)
   */
  public Generator(Llama model, boolean useKvCache) {
    this(model, useKvCache, Sampler.Place.AUTO);
  }

  Generator(Llama model, boolean useKvCache, Sampler.Place samplingPlace) {
    this(model, useKvCache, samplingPlace, PREFILL_CHUNK);
  }

  Generator(Llama model, boolean useKvCache, Sampler.Place samplingPlace, int prefillChunk) {
    if (prefillChunk < 1) {
      throw new IllegalArgumentException("prefill chunk must be positive, got " + prefillChunk);
    }
    this.prefillChunk = prefillChunk;
    this.model = model;
    this.useKvCache = useKvCache;
    this.samplingPlace = samplingPlace;
  }

  public List<Generation> generate(List<int[]> prompts, SamplingParams params) {
    int batch = prompts.size();
    if (batch == 0) {
      return List.of();
    }
    int vocab = model.config().vocabSize();
    int maxLen = 0;
    for (int b = 0; b < batch; b++) {
      int[] p = prompts.get(b);
      if (p.length == 0) {
        throw new IllegalArgumentException("prompt " + b + " is empty: start it with BOS at least");
      }
      for (int t : p) {
        if (t < 0 || t >= vocab) {
          throw new IllegalArgumentException("prompt " + b + " holds token id " + t + " outside the vocabulary [0, "
              + vocab + ")");
        }
      }
      maxLen = Math.max(maxLen, p.length);
    }
    if (maxLen >= model.config().maxSeqLen()) {
      throw new IllegalArgumentException("a prompt of " + maxLen + " tokens leaves no room in the model's context of "
          + model.config().maxSeqLen());
    }
    long[] tokens = new long[batch * maxLen];
    long[] positions = new long[batch * maxLen];
    float[] valid = new float[batch * maxLen];
    int[] nextPosition = new int[batch];
    for (int b = 0; b < batch; b++) {
      int[] p = prompts.get(b);
      int pad = maxLen - p.length;
      for (int t = 0; t < p.length; t++) {
        tokens[b * maxLen + pad + t] = p[t];
        positions[b * maxLen + pad + t] = t;
        valid[b * maxLen + pad + t] = 1f;
      }
      nextPosition[b] = p.length;
    }
    Sampler sampler = new Sampler(params, samplingPlace);
    SplittableRandom[] rngs = new SplittableRandom[batch];
    List<List<Integer>> out = new ArrayList<>();
    List<List<Float>> logProbs = new ArrayList<>();
    Generation.FinishReason[] finish = new Generation.FinishReason[batch];
    for (int b = 0; b < batch; b++) {
      // SplittableRandom mixes its seed: neighbouring seeds give independent streams (java.util.Random's do not).
      rngs[b] = new SplittableRandom(params.seed() + b);
      out.add(new ArrayList<>());
      logProbs.add(new ArrayList<>());
    }
    NDManager manager = model.weights().manager();
    boolean[] done = new boolean[batch];
    int capacity = (int) Math.min(model.config().maxSeqLen(), (long) maxLen + params.maxNewTokens());
    try (KvCache cache = new KvCache(model.config().nLayers(), useKvCache ? capacity : 0)) {
      Sampler.Choice[] choices;
      try (NDScope ignored = new NDScope()) {
        // Sampling reads one position per stream: the output head ([D, V], the largest matmul at real vocabularies)
        // runs on the last prompt position only, not on every prompt position (prompts are left-padded).
        NDArray last = useKvCache ? prefill(manager, tokens, positions, valid, batch, maxLen, cache)
            : model.hidden(manager.create(tokens, new Shape(batch, maxLen)), positions, null, valid)
                .get(new NDIndex(":, -1:, :"));
        choices = sampler.chooseAll(model.logits(last), done, rngs);
      }
      int active = batch;
      long[] step = new long[batch];
      long[] stepPositions = new long[batch];
      for (int n = 0; n < params.maxNewTokens() && active > 0; n++) {
        for (int b = 0; b < batch; b++) {
          if (finish[b] != null) {
            continue;
          }
          Sampler.Choice choice = choices[b];
          out.get(b).add(choice.token());
          logProbs.get(b).add(choice.behaviourLogProb());
          step[b] = choice.token();
          stepPositions[b] = nextPosition[b]++;
          if (params.stopTokens().contains(choice.token())) {
            finish[b] = Generation.FinishReason.STOP;
          } else if (out.get(b).size() >= params.maxNewTokens()) {
            finish[b] = Generation.FinishReason.MAX_TOKENS;
          } else if (nextPosition[b] >= model.config().maxSeqLen()) {
            finish[b] = Generation.FinishReason.CONTEXT;
          }
          if (finish[b] != null) {
            done[b] = true;
            active--;
          }
        }
        if (active == 0) {
          break;
        }
        // Finished rows still ride along (their outputs are ignored): the batch keeps one shape.
        if (useKvCache) {
          try (NDScope ignored = new NDScope()) {
            NDArray logits = model.forward(manager.create(step, new Shape(batch, 1)), stepPositions.clone(), cache,
                null);
            choices = sampler.chooseAll(logits, done, rngs);
          }
        } else {
          int width = maxLen + n + 1;
          tokens = appendColumn(tokens, batch, width - 1, step);
          positions = appendColumn(positions, batch, width - 1, stepPositions);
          float[] grown = new float[batch * width];
          for (int b = 0; b < batch; b++) {
            System.arraycopy(valid, b * (width - 1), grown, b * width, width - 1);
            grown[b * width + width - 1] = 1f;
          }
          valid = grown;
          try (NDScope ignored = new NDScope()) {
            NDArray hidden = model.hidden(manager.create(tokens, new Shape(batch, width)), positions, null, valid);
            choices = sampler.chooseAll(model.logits(hidden.get(new NDIndex(":, -1:, :"))), done, rngs);
          }
        }
      }
    }
    return collect(prompts, out, logProbs, finish);
  }

  /**
   * Runs the prompts through the model into the cache, {@link #PREFILL_CHUNK} positions per call (by default), and returns the
   * hidden state of the last position [B, 1, D]. One call over a whole prompt holds attention scores of
   * B x heads x T x T floats: 3 GB per layer for eight 5,000-token tool-calling prompts, which killed a 24 GB machine;
   * in chunks they are B x heads x chunk x T. Each chunk attends to the cached positions before it, so the result is
   * the same computation in another order.
   */
  private NDArray prefill(NDManager manager, long[] tokens, long[] positions, float[] valid, int batch, int length,
                          KvCache cache) {
    NDArray last = null;
    for (int from = 0; from < length; from += prefillChunk) {
      int to = Math.min(length, from + prefillChunk);
      int width = to - from;
      long[] chunkTokens = new long[batch * width];
      long[] chunkPositions = new long[batch * width];
      float[] chunkValid = new float[batch * width];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(tokens, b * length + from, chunkTokens, b * width, width);
        System.arraycopy(positions, b * length + from, chunkPositions, b * width, width);
        System.arraycopy(valid, b * length + from, chunkValid, b * width, width);
      }
      if (to < length) {
        // An earlier chunk only fills the cache: its activations go when the chunk's own scope closes (the cache
        // takes its arrays out of every scope).
        try (NDScope ignored = new NDScope()) {
          model.hidden(manager.create(chunkTokens, new Shape(batch, width)), chunkPositions, cache, chunkValid);
        }
      } else {
        last = model.hidden(manager.create(chunkTokens, new Shape(batch, width)), chunkPositions, cache, chunkValid)
            .get(new NDIndex(":, -1:, :"));
      }
    }
    return last;
  }

  private static long[] appendColumn(long[] matrix, int rows, int width, long[] column) {
    long[] out = new long[rows * (width + 1)];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(matrix, r * width, out, r * (width + 1), width);
      out[r * (width + 1) + width] = column[r];
    }
    return out;
  }

  private static List<Generation> collect(List<int[]> prompts, List<List<Integer>> out, List<List<Float>> logProbs,
                                          Generation.FinishReason[] finish) {
    int batch = prompts.size();
    List<Generation> result = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      int[] ids = out.get(b).stream().mapToInt(Integer::intValue).toArray();
      float[] lp = new float[ids.length];
      for (int i = 0; i < lp.length; i++) {
        lp[i] = logProbs.get(b).get(i);
      }
      result.add(new Generation(Arrays.copyOf(prompts.get(b), prompts.get(b).length), ids, lp, finish[b]));
    }
    return result;
  }
}
