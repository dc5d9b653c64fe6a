package io.shiq.actor.ab;

import io.shiq.ab.evaluate.EpisodeMeasures;
import io.shiq.ab.experiment.Assignment;
import io.shiq.actor.loop.BatchSource;
import io.shiq.actor.loop.EpisodePlayer;
import io.shiq.actor.weights.VersionCatalog;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Guardrail;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.envs.Environment;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.generate.Scorer;
import io.shiq.policy.generate.TokenScores;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.tokenizer.Tokenizer;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor serving every arm of one A/B experiment side by side. Each episode belongs to a session (drawn from a
 * pool, so sessions come back as users do); the session's hash picks its arm ({@link Assignment}: sticky across the
 * session's episodes and across actors). The weights of every arm's version are held at once (the model an actor
 * started with serves version 0 and lines that announced nothing yet); episodes are grouped by arm and each group
 * is generated with its arm's policy. Every trajectory carries its arm, the version that served it, the session,
 * and the experiment id in its metadata; with a {@code kl_to_control} guardrail, a non-control episode also carries
 * the mean per-action-token ln pi_arm(a) - ln pi_control(a) (both scored at temperature 1), an estimate of
 * KL(pi_arm || pi_control) on the arm's own samples.
 *
 * <p>While the experiment is not declared yet the actor waits; before its start, after its stop or once STOPPED it
 * serves the control's policy without the experiment's label. After a rollback (ROLLED_BACK) the treatment arm's record points at the control's weights
 * and the actor serves them.
 */
public final class ExperimentActorLoop implements BatchSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExperimentActorLoop.class);

  /**
   * @param sessions pool of session ids the episodes are drawn from (each session is one simulated user)
   */
  public record Settings(String actorId, String experimentId, int episodesPerBatch, int maxTurns,
                         SamplingParams sampling, long seed, int sessions) {
    public Settings {
      if (episodesPerBatch < 1 || maxTurns < 1 || sessions < 1) {
        throw new IllegalArgumentException("episodes per batch, max turns and sessions must be >= 1");
      }
    }
  }

  private final LlamaWeights initial;
  private final Tokenizer tokenizer;
  private final Environment environment;
  private final Settings settings;
  private final Producer<String, SpecificRecord> producer;
  private final Topics topics;
  private final ExperimentFollower follower;
  private final VersionCatalog catalog;
  private final Map<String, LlamaWeights> loaded = new HashMap<>();
  private final Random sessions;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private long episodes;
  private long batches;
  private long version;
  private String lastServing = "";

  /** The loop owns {@code initial} (served as version 0) and closes it, the follower and the catalog. */
  public ExperimentActorLoop(LlamaWeights initial, Tokenizer tokenizer, Environment environment, Settings settings,
                             Producer<String, SpecificRecord> producer, Topics topics, ExperimentFollower follower,
                             VersionCatalog catalog) {
    this.initial = initial;
    this.tokenizer = tokenizer;
    this.environment = environment;
    this.settings = settings;
    this.producer = producer;
    this.topics = topics;
    this.follower = follower;
    this.catalog = catalog;
    this.sessions = new Random(settings.seed() * 31 + 17);
  }

  @Override
  public long version() {
    return version;
  }

  /** What serves an arm now: the line's announced version (or version 0, the initial weights). */
  private record Serving(ExperimentArm arm, long version, LlamaWeights weights) {}

  @Override
  public List<Trajectory> runBatch() {
    Optional<Experiment> found = follower.refresh(Duration.ofMillis(200));
    if (found.isEmpty()) {
      LOG.info("{}: experiment {} is not declared yet; waiting", settings.actorId(), settings.experimentId());
      sleep(1000);
      return List.of();
    }
    Experiment experiment = found.get();
    catalog.refresh(Duration.ofMillis(200));
    Instant now = Instant.now();
    // Outside its window (declared with a later start, or past its stop) or stopped, the experiment gets no traffic:
    // everyone is served the control's policy, without the experiment's label.
    boolean labelled = experiment.getStatus() != ExperimentStatus.STOPPED && !now.isBefore(experiment.getStartAt())
        && (experiment.getStopAt() == null || now.isBefore(experiment.getStopAt()));
    Map<String, Serving> serving = resolve(experiment);
    ExperimentArm control = arm(experiment, experiment.getControlArm());

    long batch = batches++;
    int n = settings.episodesPerBatch();
    Map<String, List<Integer>> byArm = new LinkedHashMap<>();
    List<Environment.Episode> started = new ArrayList<>();
    List<String> sessionIds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String session = settings.experimentId() + "-session-" + sessions.nextInt(settings.sessions());
      String arm = labelled ? Assignment.armFor(experiment, session).getName() : control.getName();
      byArm.computeIfAbsent(arm, a -> new ArrayList<>()).add(i);
      started.add(environment.start(settings.seed() * 1_000_003L + episodes + i));
      sessionIds.add(session);
    }
    boolean measureKl = labelled && experiment.getGuardrails().stream()
        .map(Guardrail::getMetric).anyMatch("kl_to_control"::equals);
    SamplingParams p = settings.sampling();
    Trajectory[] out = new Trajectory[n];
    for (Map.Entry<String, List<Integer>> group : byArm.entrySet()) {
      Serving s = serving.get(group.getKey());
      List<Environment.Episode> live = new ArrayList<>();
      for (int i : group.getValue()) {
        live.add(started.get(i));
      }
      SamplingParams seeded = new SamplingParams(p.temperature(), p.topK(), p.topP(), p.maxNewTokens(),
          p.stopTokens(), p.seed() + settings.seed() * 7919L + batch * 1_000_003L + group.getKey().hashCode());
      List<EpisodePlayer.Played> played = new EpisodePlayer(new Generator(new Llama(s.weights())), tokenizer,
          s.weights().config().maxSeqLen()).play(live, settings.maxTurns(), seeded, s.version(), null);
      double[] kl = measureKl && !group.getKey().equals(control.getName())
          ? klToControl(played, s.weights(), serving.get(control.getName()).weights()) : null;
      for (int k = 0; k < played.size(); k++) {
        int i = group.getValue().get(k);
        EpisodePlayer.Played e = played.get(k);
        String id = settings.actorId() + "-" + runId + "-" + (episodes + i);
        Map<String, String> metadata = new HashMap<>(e.episode().metadata());
        metadata.put("sampling.temperature", Double.toString(p.temperature()));
        metadata.put("sampling.top_p", Double.toString(p.topP()));
        metadata.put(EpisodeMeasures.LINE, s.arm().getLine());
        if (labelled) {
          metadata.put(EpisodeMeasures.EXPERIMENT, experiment.getExperimentId());
        }
        if (kl != null && Double.isFinite(kl[k])) {
          metadata.put(EpisodeMeasures.KL_TO_CONTROL, Double.toString(kl[k]));
        }
        out[i] = Trajectory.newBuilder()
            .setTrajectoryId(id).setEpisodeId(id).setSessionId(sessionIds.get(i)).setActorId(settings.actorId())
            .setOrigin(TrajectoryOrigin.ACTOR).setEnvId(environment.id()).setTaskId(e.episode().taskId())
            .setArm(group.getKey()).setPolicyVersion(s.version()).setTokenizerId(tokenizer.id())
            .setCreatedAt(Instant.now()).setTurns(e.turns()).setReward(null)
            .setDone(e.done()).setTruncated(e.truncated()).setMetadata(metadata).build();
      }
    }
    List<Trajectory> produced = new ArrayList<>(n);
    for (Trajectory t : out) {
      producer.send(new ProducerRecord<>(topics.trajectories(), t.getTrajectoryId(), t));
      produced.add(t);
    }
    producer.flush();
    episodes += n;
    return produced;
  }

  /** Loads what each arm serves now; drops weights no arm serves any more. */
  private Map<String, Serving> resolve(Experiment experiment) {
    Map<String, Serving> out = new HashMap<>();
    Set<String> used = new HashSet<>();
    StringBuilder summary = new StringBuilder();
    long newest = 0;
    for (ExperimentArm a : experiment.getArms()) {
      Optional<PolicyVersion> v = a.getVersion() == null ? catalog.latest(a.getLine())
          : a.getVersion() == 0 ? Optional.empty() : catalog.get(a.getLine(), a.getVersion());
      if (a.getVersion() != null && a.getVersion() != 0 && v.isEmpty()) {
        LOG.warn("{}: arm {} pins {} v{}, which is not announced (yet); serving the initial weights until it is",
            settings.actorId(), a.getName(), a.getLine(), a.getVersion());
      }
      String key = v.map(x -> x.getArm() + "@" + x.getVersion()).orElse("initial");
      LlamaWeights w;
      if (v.isEmpty()) {
        w = initial;
      } else {
        w = loaded.get(key);
        if (w == null) {
          try {
            w = catalog.load(v.get());
            loaded.put(key, w);
          } catch (RuntimeException e) {
            LOG.warn("{}: cannot load {} for arm {}: {}; serving the initial weights", settings.actorId(), key,
                a.getName(), e.getMessage());
            w = initial;
            key = "initial";
          }
        }
      }
      used.add(key);
      long served = key.equals("initial") ? 0 : v.get().getVersion();
      newest = Math.max(newest, served);
      out.put(a.getName(), new Serving(a, served, w));
      summary.append(summary.length() == 0 ? "" : ", ").append(a.getName()).append('=').append(key);
    }
    for (String k : new ArrayList<>(loaded.keySet())) {
      if (!used.contains(k)) {
        loaded.remove(k).close();
      }
    }
    version = newest;
    if (!summary.toString().equals(lastServing)) {
      lastServing = summary.toString();
      LOG.info("{}: experiment {} ({}): serving {}", settings.actorId(), experiment.getExperimentId(),
          experiment.getStatus(), lastServing);
    }
    return out;
  }

  /** Per episode, the mean over action tokens of ln pi_arm(a) - ln pi_control(a), both at temperature 1. */
  static double[] klToControl(List<EpisodePlayer.Played> played, LlamaWeights arm, LlamaWeights control) {
    List<int[]> sequences = new ArrayList<>();
    List<boolean[]> actions = new ArrayList<>();
    for (EpisodePlayer.Played e : played) {
      List<Integer> ids = new ArrayList<>();
      List<Boolean> mask = new ArrayList<>();
      for (Turn t : e.turns()) {
        ids.addAll(t.getTokenIds());
        mask.addAll(t.getActionMask());
      }
      int[] s = ids.stream().mapToInt(Integer::intValue).toArray();
      boolean[] m = new boolean[s.length];
      for (int i = 0; i < m.length; i++) {
        m[i] = mask.get(i);
      }
      sequences.add(s);
      actions.add(m);
    }
    double[] kl = new double[played.size()];
    java.util.Arrays.fill(kl, Double.NaN);
    List<Integer> scorable = new ArrayList<>();
    List<int[]> batch = new ArrayList<>();
    for (int i = 0; i < sequences.size(); i++) {
      if (sequences.get(i).length >= 2) {
        scorable.add(i);
        batch.add(sequences.get(i));
      }
    }
    if (batch.isEmpty()) {
      return kl;
    }
    List<TokenScores> a = new Scorer(new Llama(arm), 8).score(batch);
    List<TokenScores> c = new Scorer(new Llama(control), 8).score(batch);
    for (int k = 0; k < scorable.size(); k++) {
      int i = scorable.get(k);
      boolean[] m = actions.get(i);
      double sum = 0;
      int count = 0;
      for (int t = 1; t < m.length; t++) { // scores[t - 1] is the log-prob of token t given tokens before it
        if (m[t]) {
          sum += a.get(k).logProbs()[t - 1] - c.get(k).logProbs()[t - 1];
          count++;
        }
      }
      kl[i] = count == 0 ? Double.NaN : sum / count;
    }
    return kl;
  }

  private static ExperimentArm arm(Experiment e, String name) {
    for (ExperimentArm a : e.getArms()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("experiment " + e.getExperimentId() + " has no arm '" + name + "'");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (LlamaWeights w : loaded.values()) {
      w.close();
    }
    loaded.clear();
    initial.close();
    follower.close();
    catalog.close();
  }
}
