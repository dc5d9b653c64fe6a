package io.shiq.actor.loop;

import io.shiq.envs.Environment;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.tokenizer.Tokenizer;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
  private java.util.function.BiConsumer<String, org.apache.kafka.clients.producer.RecordMetadata> acknowledged;
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

  /**
   * Calls {@code listener} with the trajectory id and the record's place for every trajectory the broker acknowledges
   * (on the producer's I/O thread); records that fail are not reported.
   */
  public ActorLoop onAcknowledged(
      java.util.function.BiConsumer<String, org.apache.kafka.clients.producer.RecordMetadata> listener) {
    this.acknowledged = listener;
    return this;
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
    for (int i = 0; i < n; i++) {
      live.add(environment.start(settings.seed() * 1_000_003L + episodes + i));
    }
    SamplingParams p = settings.sampling();
    SamplingParams seeded = new SamplingParams(p.temperature(), p.topK(), p.topP(), p.maxNewTokens(),
        p.stopTokens(), p.seed() + settings.seed() * 7919L + batch * 1_000_003L);
    List<EpisodePlayer.Played> played = new EpisodePlayer(new Generator(new Llama(policy)), tokenizer,
        policy.config().maxSeqLen()).play(live, settings.maxTurns(), seeded, version, null);
    List<Trajectory> produced = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = settings.actorId() + "-" + runId + "-" + (episodes + i);
      EpisodePlayer.Played e = played.get(i);
      Map<String, String> metadata = new HashMap<>(e.episode().metadata());
      metadata.put("sampling.temperature", Double.toString(settings.sampling().temperature()));
      metadata.put("sampling.top_p", Double.toString(settings.sampling().topP()));
      Trajectory t = Trajectory.newBuilder()
          .setTrajectoryId(id).setEpisodeId(id).setSessionId(null).setActorId(settings.actorId())
          .setOrigin(TrajectoryOrigin.ACTOR).setEnvId(environment.id()).setTaskId(e.episode().taskId())
          .setArm(settings.arm()).setPolicyVersion(version).setTokenizerId(tokenizer.id())
          .setCreatedAt(Instant.now()).setTurns(e.turns()).setReward(null)
          .setDone(e.done()).setTruncated(e.truncated())
          .setMetadata(metadata)
          .build();
      var listener = acknowledged;
      producer.send(new ProducerRecord<>(topics.trajectories(), id, t), listener == null ? null : (md, error) -> {
        if (error == null) {
          listener.accept(id, md);
        }
      });
      produced.add(t);
    }
    producer.flush();
    episodes += n;
    return produced;
  }

  @Override
  public void close() {
    policy.close();
    if (weights != null) {
      weights.close();
    }
  }
}
