package io.shiq.actor.loop;

import io.shiq.avro.Turn;
import io.shiq.envs.Environment;
import io.shiq.envs.Turns;
import io.shiq.policy.generate.Generation;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Plays a batch of episodes with one policy: one batched generation call per policy turn for every episode still
 * live (episodes of different lengths share the batch and drop out as they end), every turn recorded with its token
 * ids, action mask, behaviour log-probs, reward and the policy version. Shared by the actor (which produces the
 * results to Kafka) and by evaluators that only score them ({@code shiq bfcl eval}).
 */
public final class EpisodePlayer {
  /** One played episode: its turns, whether the environment ended it, or it was cut (context full, out of turns). */
  public record Played(Environment.Episode episode, List<Turn> turns, boolean done, boolean truncated) {}

  private final Generator generator;
  private final Tokenizer tokenizer;
  private final int maxContext;

  /**
   * @param maxContext the model's context length: an episode whose context cannot take one more token is truncated
   */
  public EpisodePlayer(Generator generator, Tokenizer tokenizer, int maxContext) {
    this.generator = generator;
    this.tokenizer = tokenizer;
    this.maxContext = maxContext;
  }

  /**
   * Plays {@code episodes} (already started) for at most {@code maxTurns} policy turns each.
   *
   * @param sampling   how the policy samples; its seed is offset per turn ({@code turn * 65537})
   * @param version    the policy version written on every policy turn
   * @param onTurn     told the turn index before each generation call (progress output); may be null
   */
  public List<Played> play(List<Environment.Episode> episodes, int maxTurns, SamplingParams sampling, long version,
                           IntConsumer onTurn) {
    int n = episodes.size();
    List<List<Turn>> turns = new ArrayList<>();
    List<List<Integer>> context = new ArrayList<>();
    boolean[] done = new boolean[n];
    boolean[] truncated = new boolean[n];
    for (Environment.Episode e : episodes) {
      List<Turn> ts = new ArrayList<>();
      List<Integer> ctx = new ArrayList<>();
      for (Environment.Observation o : e.opening()) {
        ts.add(Turns.observation(o));
        for (int t : o.tokens()) {
          ctx.add(t);
        }
      }
      turns.add(ts);
      context.add(ctx);
    }
    for (int turn = 0; turn < maxTurns; turn++) {
      List<Integer> active = new ArrayList<>();
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!done[i] && !truncated[i]) {
          if (context.get(i).size() >= maxContext - 1) {
            truncated[i] = true;
            continue;
          }
          active.add(i);
          prompts.add(context.get(i).stream().mapToInt(Integer::intValue).toArray());
        }
      }
      if (active.isEmpty()) {
        break;
      }
      if (onTurn != null) {
        onTurn.accept(turn);
      }
      // A prompt near the end of the context gets fewer new tokens rather than overflowing the KV cache.
      int room = Integer.MAX_VALUE;
      for (int[] p : prompts) {
        room = Math.min(room, maxContext - p.length);
      }
      SamplingParams seeded = new SamplingParams(sampling.temperature(), sampling.topK(), sampling.topP(),
          Math.max(1, Math.min(sampling.maxNewTokens(), room)), sampling.stopTokens(),
          sampling.seed() + turn * 65_537L);
      List<Generation> out = generator.generate(prompts, seeded);
      for (int k = 0; k < active.size(); k++) {
        int i = active.get(k);
        Generation g = out.get(k);
        String text = tokenizer.decode(g.tokens());
        Environment.Step step = episodes.get(i).act(g.tokens(), text);
        for (int t : g.tokens()) {
          context.get(i).add(t);
        }
        turns.get(i).add(Turns.action(g.tokens(), g.behaviourLogProbs(), step.reward(), version, text));
        for (Environment.Observation o : step.next()) {
          turns.get(i).add(Turns.observation(o));
          for (int t : o.tokens()) {
            context.get(i).add(t);
          }
        }
        // The environment decides when an episode ends: once it says done, its reward is final and the episode is
        // terminal, even when the turn hit the token budget (the budget is part of the task). Only an episode the
        // environment wanted to continue (context full, out of turns) is truncated and bootstrapped from V; marking
        // terminal episodes truncated made learners bootstrap from an untrained state whose value drifted and undid
        // what they had learnt (issue #12; Pardo et al. 2018, "Time Limits in Reinforcement Learning").
        if (step.done()) {
          done[i] = true;
        }
      }
    }
    List<Played> played = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      played.add(new Played(episodes.get(i), turns.get(i), done[i], !done[i]));
    }
    return played;
  }
}
