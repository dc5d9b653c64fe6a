package io.shiq.app.bfcl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.actor.loop.EpisodePlayer;
import io.shiq.bfcl.check.Accuracy;
import io.shiq.bfcl.check.Verdict;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.envs.Environment;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.envs.bfcl.BfclEpisode;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A policy on BFCL records, batched: episodes of different lengths share each generation call and drop out as they
 * end. Each record's outcome is its episode: the BFCL result (decoded calls per turn and step, what {@code shiq bfcl
 * check} consumes), the raw outputs, and the checker's verdict.
 */
public final class BfclEvaluation {
  /** Policy turns (generation calls) per record at most: six user turns of up to 21 steps fit in 128. */
  public static final int MAX_POLICY_TURNS = 128;

  private final BfclEnvironment env;
  private final LlamaWeights policy;
  private final int batch;

  public BfclEvaluation(BfclEnvironment env, LlamaWeights policy, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
    }
    this.env = env;
    this.policy = policy;
    this.batch = batch;
  }

  /**
   * Plays every task, {@code batch} at a time.
   *
   * @param progress told the records done so far after each batch
   */
  public List<BfclEpisode> run(List<BfclTask> tasks, SamplingParams sampling, Consumer<Integer> progress) {
    EpisodePlayer player = new EpisodePlayer(new Generator(new Llama(policy)), env.tokenizer(),
        policy.config().maxSeqLen());
    List<BfclEpisode> out = new ArrayList<>();
    for (int from = 0; from < tasks.size(); from += batch) {
      List<Environment.Episode> episodes = new ArrayList<>();
      for (BfclTask t : tasks.subList(from, Math.min(tasks.size(), from + batch))) {
        episodes.add(env.start(t));
      }
      player.play(episodes, MAX_POLICY_TURNS, sampling, 0, null);
      for (Environment.Episode e : episodes) {
        out.add((BfclEpisode) e);
      }
      if (progress != null) {
        progress.accept(out.size());
      }
    }
    return out;
  }

  /** The episode as a line of a BFCL result file: id, result [turn][step][call], and shiq's raw outputs. */
  public static ObjectNode resultLine(ObjectMapper json, BfclEpisode e) {
    ObjectNode n = json.createObjectNode();
    n.put("id", e.task().record().id());
    n.set("result", json.valueToTree(e.result()));
    n.set("raw", json.valueToTree(e.rawResult()));
    n.put("call_style", e.metadata().get("bfcl.call_style"));
    return n;
  }

  public static Accuracy accuracy(List<BfclEpisode> episodes) {
    List<Verdict> verdicts = new ArrayList<>();
    for (BfclEpisode e : episodes) {
      verdicts.add(e.verdict());
    }
    return Accuracy.of(verdicts);
  }
}
