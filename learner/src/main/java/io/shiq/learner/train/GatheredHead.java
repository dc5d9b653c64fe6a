package io.shiq.learner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.shiq.learner.objective.PolicyOutputs;
import io.shiq.learner.objective.TokenBatch;
import io.shiq.policy.engine.TorchEngine;
import io.shiq.policy.model.ChunkedHead;
import io.shiq.policy.model.Llama;

/**
 * The policy's output head where the loss reads it and nowhere else: the hidden states at the batch's
 * {@link TokenBatch#lossPositions()} (a few percent of an agent episode's positions), the head over them one
 * vocabulary chunk at a time, and an exact gradient with no [positions, V] array larger than one chunk alive, in the
 * forward or the backward pass.
 *
 * <p>Autograd through a chunked forward loop would save every chunk's logits for the backward pass, so the head runs
 * without recording and its backward pass is {@link ChunkedHead#gradients}. The loss sees {@code la} and {@code lse}
 * as leaves; the step is two backward passes:
 * <ol>
 *   <li>from the loss, keeping the graph: gradients at the la and lse leaves (and, for DRO, at the value head and,
 *       through the prompt states, the transformer);</li>
 *   <li>{@link ChunkedHead#gradients} turns them into dL/d(gathered hidden rows) and dL/d(head weight), and a backward
 *       pass from {@code <rows, dRows> + <W, dW>} carries both into every parameter (with tied embeddings, the head's
 *       gradient and the input embedding's add up in the one parameter, as in a plain backward pass).</li>
 * </ol>
 */
final class GatheredHead {
  private final Llama model;
  private final int chunk;
  private final long[] flat;
  private final NDArray rows;
  private final NDArray ids;
  private final NDArray lseRows;
  private final NDArray la;
  private final NDArray lse;

  private GatheredHead(Llama model, int chunk, long[] flat, NDArray rows, NDArray ids, NDArray lseRows, NDArray la,
                       NDArray lse) {
    this.model = model;
    this.chunk = chunk;
    this.flat = flat;
    this.rows = rows;
    this.ids = ids;
    this.lseRows = lseRows;
    this.la = la;
    this.lse = lse;
  }

  /**
   * @param hidden the policy's final-normalised hidden states [B, T, D] (recorded for the backward pass)
   * @param chunk  vocabulary ids per chunk of the head
   */
  static GatheredHead forward(Llama model, NDArray hidden, TokenBatch batch, int chunk) {
    NDManager m = hidden.getManager();
    int b = batch.batchSize();
    int t = batch.width();
    long dim = hidden.getShape().get(2);
    long[] flat = batch.lossPositions();
    NDArray rows = hidden.reshape(b * (long) t, dim).gather(m.create(flat, new Shape(flat.length, 1))
        .repeat(1, dim), 0);                                                               // [N, D], recorded
    NDArray ids = m.create(batch.actionsAt(flat));
    NDArray[] takenAndLse = TorchEngine.withoutGradients(() ->
        ChunkedHead.takenLogitAndLogSumExp(model, rows.stopGradient(), ids, chunk));
    float[] laRows = takenAndLse[0].toFloatArray();
    float[] lseRows = takenAndLse[1].toFloatArray();
    float[] laFull = new float[b * t];
    float[] lseFull = new float[b * t];
    for (int i = 0; i < flat.length; i++) {
      laFull[(int) flat[i]] = laRows[i];
      lseFull[(int) flat[i]] = lseRows[i];
    }
    NDArray la = m.create(laFull, new Shape(b, t));
    NDArray lse = m.create(lseFull, new Shape(b, t));
    la.setRequiresGradient(true);
    lse.setRequiresGradient(true);
    return new GatheredHead(model, chunk, flat, rows, ids, takenAndLse[1], la, lse);
  }

  /** la and lse at the loss positions (0 elsewhere), as leaves of the loss's graph. */
  PolicyOutputs outputs() {
    return new PolicyOutputs(la, lse, null);
  }

  /** Both backward passes of {@code loss} (a scalar computed from {@link #outputs()}). */
  void backward(NDArray loss, GradientCollector collector) {
    TorchEngine.backwardKeepingGraph(loss);
    NDManager m = rows.getManager();
    NDArray[] d = TorchEngine.withoutGradients(() -> {
      NDArray at = m.create(flat);
      NDArray gLa = la.getGradient().reshape(-1).gather(at, 0);
      NDArray gLse = lse.getGradient().reshape(-1).gather(at, 0);
      return ChunkedHead.gradients(model, rows, ids, lseRows, gLa, gLse, chunk);
    });
    NDArray head = model.weights().output().getArray();
    collector.backward(rows.mul(d[0]).sum().add(head.mul(d[1]).sum()));
  }
}
