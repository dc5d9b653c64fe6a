package io.shiq.learner.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.learner.objective.LossResult;
import io.shiq.learner.objective.Objective;
import io.shiq.learner.objective.Objectives;
import io.shiq.learner.objective.PolicyOutputs;
import io.shiq.learner.objective.TokenBatch;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.learner.reference.ReferenceCache;
import io.shiq.policy.io.Safetensors;
import io.shiq.policy.model.ChunkedHead;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.model.SegmentedForward;
import io.shiq.policy.engine.TorchEngine;
import io.shiq.policy.model.Scalars;
import io.shiq.schemas.storage.Directories;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a policy with one objective: reference values from a frozen copy of the initial policy (cached per
 * trajectory), micro-batches whose gradients accumulate into one AdamW update per step, and checkpoints that hold the
 * parameters, the optimizer state, the step, the configuration and the caller's input positions (Kafka offsets), so
 * that a resumed trainer continues bit for bit.
 *
 * <p>Checkpoint layout under a root directory: {@code reference.safetensors} (written once) and one directory per
 * saved step, {@code step-0000000042/} with {@code model.safetensors}, {@code optimizer.safetensors} and
 * {@code trainer.json}; a step directory is written under a temporary name and renamed when complete.
 */
public final class Trainer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{10})");
  private static final String POLICY = "policy.";
  private static final String VALUE = "value_head.";
  private static final int KEEP_CHECKPOINTS = 3;

  private final TrainerConfig config;
  private final LlamaWeights policy;
  private final Llama model;
  private final ReferenceCache reference;
  private final Objective objective;
  private final ValueHead valueHead;
  private final AdamW adam;
  private final Map<String, String> positions = new LinkedHashMap<>();
  private final List<ConfigChange> configChanges = new ArrayList<>();
  private boolean linearMemory = true;
  private int headChunk = ChunkedHead.DEFAULT_CHUNK;

  /**
   * Hyper-parameters changed when a run was resumed: they apply from update {@code fromStep} on.
   *
   * @param fromStep the first update trained with the new values
   * @param changes  "name old -> new" entries, see {@link TrainerConfig#changesFrom}
   */
  public record ConfigChange(long fromStep, List<String> changes) {}

  /** A new run: the reference is a frozen copy of {@code policy} as it is now. */
  public Trainer(LlamaWeights policy, TrainerConfig config) {
    this(policy, policy.copy(), config);
  }

  private Trainer(LlamaWeights policy, LlamaWeights referenceWeights, TrainerConfig config) {
    this.config = config;
    this.policy = policy;
    this.model = new Llama(policy);
    this.reference = new ReferenceCache(referenceWeights, config.referenceCacheSize(), config.microBatch());
    this.objective = Objectives.create(config.objective());
    if (objective.needsPairs() && config.microBatch() % 2 != 0) {
      throw new IllegalArgumentException(config.objective().name() + " trains on pairs: micro-batch must be even, got "
          + config.microBatch());
    }
    policy.setRequiresGradient(true);
    this.valueHead = objective.needsValueHead() ? new ValueHead(policy.manager(), policy.config().dim()) : null;
    Map<String, NDArray> params = new LinkedHashMap<>();
    policy.named().forEach((name, p) -> params.put(POLICY + name, p.getArray()));
    if (valueHead != null) {
      params.put(VALUE + "weight", valueHead.weight());
      params.put(VALUE + "bias", valueHead.bias());
    }
    this.adam = new AdamW(config.optimizer(), params);
  }

  public TrainerConfig config() {
    return config;
  }

  public LlamaWeights policy() {
    return policy;
  }

  public ReferenceCache reference() {
    return reference;
  }

  /**
   * How a step computes its gradients (the same gradients, to float precision). By default in memory linear in the
   * sequence length: attention in blocks of queries with a hand-written backward pass ({@link SegmentedForward}) and
   * the output head at the loss positions only, {@code headChunk} vocabulary ids at a time ({@link GatheredHead}).
   * With {@code linearMemory} false, the former path: autograd through the plain forward pass and [B, T, V] logits at
   * every position (attention probabilities [B, heads, T, T] per layer), kept for comparisons and benchmarks.
   * Objectives that read the whole distribution (naive) build full logits on either path.
   */
  public Trainer computePath(boolean linearMemory, int headChunk) {
    if (headChunk < 1) {
      throw new IllegalArgumentException("head chunk must be >= 1, got " + headChunk);
    }
    this.linearMemory = linearMemory;
    this.headChunk = headChunk;
    // The former path's policy takes the log-sum-exp in one pass; a chunk of the whole vocabulary does the same.
    reference.computePath(linearMemory, linearMemory ? headChunk : Integer.MAX_VALUE);
    return this;
  }

  /** Updates applied so far. */
  public long step() {
    return adam.step();
  }

  /** Hyper-parameter changes made on resumes of this run, oldest first (kept in every checkpoint). */
  public List<ConfigChange> configChanges() {
    return List.copyOf(configChanges);
  }

  /** Input positions (e.g. Kafka offsets by partition) stored with the next checkpoint. */
  public Map<String, String> positions() {
    return positions;
  }

  /** One update from {@code batch}, split into micro-batches whose gradients accumulate. */
  public StepStats step(List<TrainingSequence> batch) {
    return run(batch, true);
  }

  /**
   * The gradients one step on {@code batch} would apply (before clipping), by parameter name; the parameters and the
   * optimizer are left as they were. For tests that compare ways of computing a step.
   */
  Map<String, float[]> gradients(List<TrainingSequence> batch) {
    run(batch, false);
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String name : adam.firstMoments().keySet()) {
      out.put(name, parameter(name).getGradient().toFloatArray());
    }
    adam.zeroGradients();
    return out;
  }

  private StepStats run(List<TrainingSequence> batch, boolean update) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("empty training batch");
    }
    if (objective.needsPairs() && batch.size() % 2 != 0) {
      throw new IllegalArgumentException(config.objective().name() + " trains on (y, y') pairs: the batch has "
          + batch.size() + " trajectories");
    }
    long t0 = System.nanoTime();
    TorchEngine.gradientsOff(); // grad mode is per thread: see TorchEngine
    List<ReferenceCache.Entry> refs = reference.get(batch);
    // Each micro-batch's loss is an importance-weighted mean over its own normalizer (weighted trajectories, action
    // tokens or pairs); scaled by count / total, the micro-batches sum to the whole batch's loss.
    double total = objective.normalizer(batch);
    double loss = 0;
    double klWeighted = 0;
    int klTokens = 0;
    int trajectories = 0;
    int actionTokens = 0;
    long tokens = 0;
    Map<String, Double> priorities = new LinkedHashMap<>();
    for (int from = 0; from < batch.size(); from += config.microBatch()) {
      int to = Math.min(batch.size(), from + config.microBatch());
      List<TrainingSequence> chunk = batch.subList(from, to);
      List<float[]> la = new ArrayList<>();
      List<float[]> lse = new ArrayList<>();
      for (ReferenceCache.Entry e : refs.subList(from, to)) {
        la.add(e.laRef());
        lse.add(e.lseRef());
      }
      try (NDScope ignored = new NDScope(); GradientCollector gc = TorchEngine
          .newGradientCollector()) {
        NDArray ids = TokenBatch.of(chunk, la, lse, null).inputIds(policy.manager());
        TokenBatch tb = TokenBatch.of(chunk, la, lse,
            objective.needsFullReference() ? reference.fullLogProbs(ids, policy.manager()) : null);
        SegmentedForward segments = linearMemory ? SegmentedForward.run(model, ids) : null;
        NDArray hidden = segments == null ? model.hidden(ids) : segments.hidden();
        NDArray values = valueHead == null ? null : valueHead.values(hidden, tb.promptPositions());
        GatheredHead head = !linearMemory || objective.needsFullLogits() ? null
            : GatheredHead.forward(model, hidden, tb, headChunk);
        PolicyOutputs outputs = head == null ? PolicyOutputs.fromLogits(tb, model.logits(hidden)) : head.outputs();
        LossResult r = objective.loss(tb, outputs, values);
        double chunkLoss = r.loss().getFloat();
        if (!Double.isFinite(chunkLoss)) {
          throw new ArithmeticException("loss is " + chunkLoss + " on trajectories " + ids(chunk) + " at step "
              + (step() + 1));
        }
        double count = objective.normalizer(chunk);
        if (count > 0) {
          // Scalars, not mul(double): the backward pass reads this factor first (see Scalars).
          NDArray scaled = r.loss().mul(Scalars.of(policy.manager(), count / total));
          if (head == null) {
            gc.backward(scaled);
          } else {
            head.backward(scaled, gc);
          }
          if (segments != null) {
            segments.backward(gc); // from the hidden states down through every layer
          }
          loss += chunkLoss * count / total;
        }
        float kl = r.klEstimate().getFloat();
        klWeighted += kl * r.actionTokens();
        klTokens += r.actionTokens();
        trajectories += r.trajectories();
        actionTokens += r.actionTokens();
        float[] res = r.residuals().toFloatArray();
        for (int i = 0; i < chunk.size(); i++) {
          priorities.put(chunk.get(i).id(), (double) res[i]);
        }
        tokens += (long) tb.batchSize() * tb.width();
      }
    }
    double gradNorm = update ? adam.update(1.0) : adam.gradientNorm();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double meanReward = batch.stream().mapToDouble(TrainingSequence::totalReward).average().orElse(0);
    double meanResidual = priorities.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    return new StepStats(step(), loss, meanReward, klTokens == 0 ? 0 : klWeighted / klTokens, meanResidual,
        gradNorm, config.optimizer().learningRateAt(step()), tokens / seconds, trajectories, actionTokens,
        priorities);
  }

  private static String ids(List<TrainingSequence> chunk) {
    return chunk.stream().map(TrainingSequence::id).limit(8).toList() + (chunk.size() > 8 ? "..." : "");
  }

  // ---- checkpoints ------------------------------------------------------------------------------------------

  /** Saves a checkpoint of the current step under {@code root}; returns its directory. */
  public Path save(Path root) throws IOException {
    return save(root, Map.of());
  }

  /**
   * Saves a checkpoint of the current step under {@code root} with the caller's {@code attachments} (file name to
   * bytes) inside it, written before the directory becomes visible, so they are complete whenever the checkpoint is.
   */
  public Path save(Path root, Map<String, byte[]> attachments) throws IOException {
    Files.createDirectories(root);
    Path ref = root.resolve("reference.safetensors");
    if (!Files.exists(ref)) {
      Safetensors.write(ref, reference.weights().toHost(), LlamaWeights.expectedShapes(policy.config()),
          Safetensors.DType.F32, Map.of("producer", "shiq"));
    }
    String name = String.format("step-%010d", step());
    Path tmp = root.resolve(name + ".tmp");
    Directories.deleteRecursively(tmp);
    Files.createDirectories(tmp);
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, float[]> params = new LinkedHashMap<>();
    Map<String, float[]> optimizer = new LinkedHashMap<>();
    Map<String, long[]> optimizerShapes = new LinkedHashMap<>();
    for (var e : adam.firstMoments().entrySet()) {
      NDArray p = parameter(e.getKey());
      shapes.put(e.getKey(), p.getShape().getShape());
      params.put(e.getKey(), p.toFloatArray());
      optimizer.put("m." + e.getKey(), e.getValue().toFloatArray());
      optimizer.put("v." + e.getKey(), adam.secondMoments().get(e.getKey()).toFloatArray());
      optimizerShapes.put("m." + e.getKey(), p.getShape().getShape());
      optimizerShapes.put("v." + e.getKey(), p.getShape().getShape());
    }
    Safetensors.write(tmp.resolve("model.safetensors"), params, shapes, Safetensors.DType.F32, Map.of());
    Safetensors.write(tmp.resolve("optimizer.safetensors"), optimizer, optimizerShapes, Safetensors.DType.F32,
        Map.of());
    ObjectNode meta = JSON.createObjectNode();
    meta.put("step", step());
    meta.set("trainer", JSON.valueToTree(config));
    meta.set("model", JSON.valueToTree(policy.config()));
    meta.set("positions", JSON.valueToTree(positions));
    meta.set("config_changes", JSON.valueToTree(configChanges));
    for (var a : attachments.entrySet()) {
      if (a.getKey().contains("/") || a.getKey().endsWith(".safetensors") || a.getKey().equals("trainer.json")) {
        throw new IllegalArgumentException("attachment name '" + a.getKey() + "' is taken or not a plain file name");
      }
      Files.write(tmp.resolve(a.getKey()), a.getValue());
    }
    // trainer.json last: a step directory without it is never taken for a checkpoint.
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("trainer.json").toFile(), meta);
    Path target = root.resolve(name);
    Directories.deleteRecursively(target);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    pruneOld(root);
    return target;
  }

  /** The newest complete checkpoint under {@code root}. */
  public static Optional<Path> latest(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    Path best = null;
    long bestStep = -1;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path d : dirs) {
        Matcher m = STEP_DIR.matcher(d.getFileName().toString());
        if (m.matches() && Files.exists(d.resolve("trainer.json"))) {
          long s = Long.parseLong(m.group(1));
          if (s > bestStep) {
            bestStep = s;
            best = d;
          }
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The policy weights of a checkpoint: {@code dir} is a step directory ({@code step-...}) or a checkpoint root, whose
   * newest complete step is taken. The optimizer state, value head and reference stay behind.
   */
  public static LlamaWeights loadPolicy(Path dir, Device device) throws IOException {
    Path step = Files.isRegularFile(dir.resolve("trainer.json")) ? dir : latest(dir).orElseThrow(
        () -> new IOException(dir + ": not a learner checkpoint (no trainer.json in it, and no step-* directory "
            + "with one under it)"));
    JsonNode meta = JSON.readTree(step.resolve("trainer.json").toFile());
    LlamaConfig modelConfig = JSON.treeToValue(meta.get("model"), LlamaConfig.class);
    Map<String, float[]> policyHost = new LinkedHashMap<>();
    Safetensors.read(step.resolve("model.safetensors")).forEach((k, v) -> {
      if (k.startsWith(POLICY)) {
        policyHost.put(k.substring(POLICY.length()), v.data());
      }
    });
    return LlamaWeights.fromHost(modelConfig, policyHost, device, step.toString());
  }

  /** A trainer continuing from the newest checkpoint under {@code root}, with the configuration saved there. */
  public static Trainer resume(Path root, Device device) throws IOException {
    return resume(root, device, null);
  }

  /**
   * A trainer continuing from the newest checkpoint under {@code root} with the hyper-parameters of
   * {@code requested} (null: those saved in the checkpoint). Changed values (beta, gamma, learning rate and schedule,
   * micro-batch, ...) apply from the next update and are recorded in {@link #configChanges()} and every later
   * checkpoint. A different objective is refused: its parameters (a value head) and its loss scale do not carry over.
   */
  public static Trainer resume(Path root, Device device, TrainerConfig requested) throws IOException {
    Path dir = latest(root).orElseThrow(() -> new IOException("no checkpoint under " + root));
    JsonNode meta = JSON.readTree(dir.resolve("trainer.json").toFile());
    TrainerConfig savedConfig = JSON.treeToValue(meta.get("trainer"), TrainerConfig.class);
    TrainerConfig config = savedConfig;
    List<String> changes = List.of();
    if (requested != null) {
      if (!requested.objective().name().equals(savedConfig.objective().name())) {
        throw new IllegalArgumentException("the checkpoint " + dir + " was trained with objective "
            + savedConfig.objective().name() + ", not " + requested.objective().name() + "; an objective cannot change "
            + "within a run: start fresh with a new checkpoint directory (shiq learner --checkpoint-dir NEW, "
            + "shiq demo --fresh) or keep --objective " + savedConfig.objective().name());
      }
      config = requested.withSeed(savedConfig.seed());
      changes = config.changesFrom(savedConfig);
    }
    LlamaConfig modelConfig = JSON.treeToValue(meta.get("model"), LlamaConfig.class);
    Map<String, Safetensors.Tensor> saved = Safetensors.read(dir.resolve("model.safetensors"));
    Map<String, float[]> policyHost = new LinkedHashMap<>();
    saved.forEach((k, v) -> {
      if (k.startsWith(POLICY)) {
        policyHost.put(k.substring(POLICY.length()), v.data());
      }
    });
    Map<String, float[]> refHost = new LinkedHashMap<>();
    Safetensors.read(root.resolve("reference.safetensors")).forEach((k, v) -> refHost.put(k, v.data()));
    LlamaWeights policy = LlamaWeights.fromHost(modelConfig, policyHost, device, dir.toString());
    LlamaWeights ref = LlamaWeights.fromHost(modelConfig, refHost, device, root.resolve("reference.safetensors")
        .toString());
    Trainer trainer = new Trainer(policy, ref, config);
    if (trainer.valueHead != null) {
      trainer.valueHead.weight().set(saved.get(VALUE + "weight").data());
      trainer.valueHead.bias().set(saved.get(VALUE + "bias").data());
    }
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    Safetensors.read(dir.resolve("optimizer.safetensors")).forEach((k, t) -> {
      if (k.startsWith("m.")) {
        m.put(k.substring(2), t.data());
      } else if (k.startsWith("v.")) {
        v.put(k.substring(2), t.data());
      }
    });
    trainer.adam.restore(meta.get("step").asLong(), m, v);
    for (JsonNode c : meta.path("config_changes")) {
      trainer.configChanges.add(JSON.treeToValue(c, ConfigChange.class));
    }
    if (!changes.isEmpty()) {
      trainer.configChanges.add(new ConfigChange(trainer.step() + 1, changes));
    }
    Iterator<Map.Entry<String, JsonNode>> it = meta.path("positions").fields();
    while (it.hasNext()) {
      var e = it.next();
      trainer.positions.put(e.getKey(), e.getValue().asText());
    }
    return trainer;
  }

  private NDArray parameter(String name) {
    if (name.startsWith(POLICY)) {
      return policy.named().get(name.substring(POLICY.length())).getArray();
    }
    return name.equals(VALUE + "weight") ? valueHead.weight() : valueHead.bias();
  }

  private static void pruneOld(Path root) throws IOException {
    List<Path> steps = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path d : dirs) {
        if (STEP_DIR.matcher(d.getFileName().toString()).matches()) {
          steps.add(d);
        }
      }
    }
    steps.sort(null);
    for (int i = 0; i < steps.size() - KEEP_CHECKPOINTS; i++) {
      Directories.deleteRecursively(steps.get(i));
    }
  }

  @Override
  public void close() {
    reference.close();
  }
}
