package io.shiq.app.bfcl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.shiq.avro.Turn;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.envs.bfcl.BfclSessionReplay;
import io.shiq.policy.model.Llama;
import java.util.ArrayList;
import java.util.List;

/**
 * How closely a policy fits the expert (ground-truth) sessions of BFCL records, teacher-forced: each session is
 * rebuilt as the import writes it (the model's template, the calls executed), run through the model once, and every
 * token the policy would have written is scored: its log-probability, and whether it is the model's most likely
 * token there. A session whose every action token is the argmax is one greedy decoding reproduces word for word, so
 * its calls, results and verdict are the ground truth's. Only the positions before action tokens go through the
 * output head (a tool-calling prompt is thousands of positions; the vocabulary 151,669 wide).
 */
public final class ExpertFit {
  /** Rows of the output head computed at once (rows x vocabulary floats). */
  private static final int HEAD_ROWS = 256;

  /** The fit of one record's expert session. */
  public record Session(String id, String category, int tokens, int actionTokens, double logProbSum, int argmaxHits) {
    public boolean exact() {
      return argmaxHits == actionTokens;
    }
  }

  private final BfclEnvironment env;
  private final Llama model;

  public ExpertFit(BfclEnvironment env, Llama model) {
    this.env = env;
    this.model = model;
  }

  public Session score(BfclTask task) throws BfclSessionReplay.RebuildException {
    BfclSessionReplay.Rebuilt r = BfclSessionReplay.rebuild(env, task,
        BfclSessionReplay.expert(task, env.style()));
    List<Integer> ids = new ArrayList<>();
    List<Boolean> mask = new ArrayList<>();
    for (Turn t : r.turns()) {
      ids.addAll(t.getTokenIds());
      mask.addAll(t.getActionMask());
    }
    return score(model, task.record().id(), task.record().category(), ids, mask);
  }

  /** The fit on one token sequence: {@code mask} marks the tokens the policy would write. */
  static Session score(Llama model, String id, String category, List<Integer> ids, List<Boolean> mask)
      throws BfclSessionReplay.RebuildException {
    List<Integer> predictedFrom = new ArrayList<>(); // position whose output predicts an action token
    for (int i = 1; i < ids.size(); i++) {
      if (mask.get(i)) {
        predictedFrom.add(i - 1);
      }
    }
    int length = predictedFrom.isEmpty() ? 0 : predictedFrom.get(predictedFrom.size() - 1) + 1;
    if (length + 1 > model.config().maxSeqLen()) {
      throw new BfclSessionReplay.RebuildException(id + ": " + (length + 1) + " tokens, longer than "
          + "the model's context of " + model.config().maxSeqLen());
    }
    double logProbSum = 0;
    int hits = 0;
    NDManager manager = model.weights().manager();
    try (NDScope ignored = new NDScope()) {
      long[] tokens = new long[length];
      for (int i = 0; i < length; i++) {
        tokens[i] = ids.get(i);
      }
      NDArray hidden = model.hidden(manager.create(tokens, new Shape(1, length))).reshape(length, -1);
      for (int from = 0; from < predictedFrom.size(); from += HEAD_ROWS) {
        int to = Math.min(predictedFrom.size(), from + HEAD_ROWS);
        long[] rows = new long[to - from];
        long[] next = new long[to - from];
        for (int k = from; k < to; k++) {
          rows[k - from] = predictedFrom.get(k);
          next[k - from] = ids.get(predictedFrom.get(k) + 1);
        }
        try (NDScope chunk = new NDScope()) {
          NDArray logits = model.logits(hidden.get(manager.create(rows)).expandDims(0)).squeeze(0); // [K, V]
          NDArray logProbs = logits.sub(Llama.logSumExp(logits).expandDims(-1));
          float[] taken = logProbs.gather(manager.create(next).expandDims(-1), -1).squeeze(-1).toFloatArray();
          long[] best = logits.argMax(-1).toType(DataType.INT64, false).toLongArray();
          for (int k = 0; k < taken.length; k++) {
            logProbSum += taken[k];
            hits += best[k] == next[k] ? 1 : 0;
          }
        }
      }
    }
    return new Session(id, category, ids.size(), predictedFrom.size(), logProbSum, hits);
  }
}
