package io.shiq.actor.loop;

import io.shiq.envs.Environment;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.policy.generate.Generation;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.tokenizer.Tokenizer;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actor's episode loop: runs a batch of episodes of one environment with the current policy (batched generation
 * with the KV cache, one generation call per turn for all live episodes), records every turn with its token ids,
 * action mask, behaviour log-probs, reward and the policy version that produced it, and produces one
 * {@link Trajectory} per episode keyed by its id. Newer verified weights are swapped in between batches only, so an
 * episode never mixes versions inside a turn and every turn says which version wrote it.
 */
public final class ActorLoop implements BatchSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ActorLoop.class);

  /**
   * @param actorId          this actor's id (in every trajectory)
   * @param arm              the A/B arm (policy line) it serves
   * @param episodesPerBatch episodes generated together
   * @param maxTurns         policy turns per episode at most
   * @param sampling         how the policy samples (its seed is varied per batch and turn)
   * @param seed             seeds the environment's tasks and the sampling
   */
  public record Settings(String actorId, String arm, int episodesPerBatch, int maxTurns, SamplingParams sampling,
                         long seed) {
    public Settings {
      if (episodesPerBatch < 1 || maxTurns < 1) {
        throw new IllegalArgumentException("episodes per batch and max turns must be >= 1");
      }
    }
  }

  private final Tokenizer tokenizer;
  private final Environment environment;
  private final Settings settings;
  private final Producer<String, SpecificRecord> producer;
  private final Topics topics;
  private final WeightSubscriber weights;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private LlamaWeights policy;
  private long version;
  private long episodes;
  private long batches;

  /** The loop owns {@code initial} (closed on swap or close); {@code weights} may be null (no updates). */
  public ActorLoop(LlamaWeights initial, long initialVersion, Tokenizer tokenizer, Environment environment,
                   Settings settings, Producer<String, SpecificRecord> producer, Topics topics,
                   WeightSubscriber weights) {
    this.policy = initial;
    this.version = initialVersion;
    this.tokenizer = tokenizer;
    this.environment = environment;
    this.settings = settings;
    this.producer = producer;
    this.topics = topics;
    this.weights = weights;
  }

  @Override
  public long version() {
    return version;
  }

  /** Swaps in newer verified weights if any arrived, runs one batch of episodes and produces their trajectories. */
  @Override
  public List<Trajectory> runBatch() {
    if (weights != null) {
      Optional<WeightSubscriber.Loaded> newer = weights.poll(Duration.ofMillis(200));
      if (newer.isPresent()) {
        policy.close();
        policy = newer.get().weights();
        version = newer.get().announcement().getVersion();
        LOG.info("{}: now serving {} v{}", settings.actorId(), settings.arm(), version);
      }
    }
    long batch = batches++;
    int n = settings.episodesPerBatch();
    List<Environment.Episode> live = new ArrayList<>();
    List<List<Turn>> turns = new ArrayList<>();
    List<List<Integer>> context = new ArrayList<>();
    boolean[] done = new boolean[n];
    boolean[] truncated = new boolean[n];
    for (int i = 0; i < n; i++) {
      Environment.Episode e = environment.start(settings.seed() * 1_000_003L + episodes + i);
      live.add(e);
      List<Turn> ts = new ArrayList<>();
      List<Integer> ctx = new ArrayList<>();
      for (Environment.Observation o : e.opening()) {
        ts.add(observation(o));
        for (int t : o.tokens()) {
          ctx.add(t);
        }
      }
      turns.add(ts);
      context.add(ctx);
    }
    Generator generator = new Generator(new Llama(policy));
    int maxContext = policy.config().maxSeqLen();
    for (int turn = 0; turn < settings.maxTurns(); turn++) {
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
      SamplingParams p = settings.sampling();
      SamplingParams seeded = new SamplingParams(p.temperature(), p.topK(), p.topP(), p.maxNewTokens(),
          p.stopTokens(), p.seed() + settings.seed() * 7919L + batch * 1_000_003L + turn * 65_537L);
      List<Generation> out = generator.generate(prompts, seeded);
      for (int k = 0; k < active.size(); k++) {
        int i = active.get(k);
        Generation g = out.get(k);
        String text = tokenizer.decode(g.tokens());
        Environment.Step step = live.get(i).act(g.tokens(), text);
        List<Float> logProbs = new ArrayList<>();
        List<Boolean> mask = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (int t = 0; t < g.tokens().length; t++) {
          ids.add(g.tokens()[t]);
          mask.add(true);
          logProbs.add(g.behaviourLogProbs()[t]);
          context.get(i).add(g.tokens()[t]);
        }
        turns.get(i).add(Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(ids).setActionMask(mask)
            .setBehaviourLogProbs(logProbs).setReward(step.reward()).setPolicyVersion(version).setText(text)
            .build());
        for (Environment.Observation o : step.next()) {
          turns.get(i).add(observation(o));
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
    List<Trajectory> produced = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = settings.actorId() + "-" + runId + "-" + (episodes + i);
      Trajectory t = Trajectory.newBuilder()
          .setTrajectoryId(id).setEpisodeId(id).setSessionId(null).setActorId(settings.actorId())
          .setOrigin(TrajectoryOrigin.ACTOR).setEnvId(environment.id()).setTaskId(live.get(i).taskId())
          .setArm(settings.arm()).setPolicyVersion(version).setTokenizerId(tokenizer.id())
          .setCreatedAt(Instant.now()).setTurns(turns.get(i)).setReward(null)
          .setDone(done[i]).setTruncated(!done[i])
          .setMetadata(Map.of("sampling.temperature", Double.toString(settings.sampling().temperature()),
              "sampling.top_p", Double.toString(settings.sampling().topP())))
          .build();
      producer.send(new ProducerRecord<>(topics.trajectories(), id, t));
      produced.add(t);
    }
    producer.flush();
    episodes += n;
    return produced;
  }

  private static Turn observation(Environment.Observation o) {
    List<Integer> ids = new ArrayList<>();
    List<Boolean> mask = new ArrayList<>();
    for (int t : o.tokens()) {
      ids.add(t);
      mask.add(false);
    }
    return Turn.newBuilder().setRole(o.role()).setTokenIds(ids).setActionMask(mask).setBehaviourLogProbs(List.of())
        .setText(o.text()).build();
  }

  @Override
  public void close() {
    policy.close();
    if (weights != null) {
      weights.close();
    }
  }
}
