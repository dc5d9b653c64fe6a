package io.shiq.ab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Guardrail;
import io.shiq.avro.GuardrailDirection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads an experiment declaration (YAML or JSON) into the {@link Experiment} record published on the experiments
 * topic. Every error names the file and the field. The format, with defaults:
 *
 * <pre>
 * id: checkout-prompt-v2            # required: [A-Za-z0-9._-]+
 * description: "..."
 * control: baseline                 # required: one of the arms
 * arms:                             # required: at least two
 *   - {name: baseline, line: main, version: 3, weight: 1}   # version: pinned; omitted = latest of the line
 *   - {name: candidate, line: candidate, weight: 1}
 * primaryMetric: mean_reward        # or success_rate
 * minimumDetectableEffect: 0.05     # required, absolute, in the metric's units
 * alpha: 0.05
 * power: 0.8
 * guardrails:
 *   - {metric: kl_to_control, atMost: 0.5}
 *   - {metric: episode_tokens, atMost: 400}
 * cupedCovariate: user.prior_reward # numeric trajectory metadata key; omitted = no CUPED
 * envId: story-keyword              # only this environment's trajectories count; omitted = any
 * windowSeconds: 60
 * minEpisodesPerArm: 100
 * maxEpisodesPerArm: 20000          # omitted = derived from MDE, alpha and power
 * start: 2026-12-03T10:00:00Z       # omitted = now
 * stop: 2026-12-10T10:00:00Z        # omitted = until a decision or `shiq ab stop`
 * </pre>
 */
public final class ExperimentFile {
  private static final Set<String> FIELDS = Set.of("id", "description", "control", "arms", "primaryMetric",
      "minimumDetectableEffect", "alpha", "power", "guardrails", "cupedCovariate", "envId", "windowSeconds",
      "minEpisodesPerArm", "maxEpisodesPerArm", "start", "stop");
  private static final Set<String> ARM_FIELDS = Set.of("name", "line", "version", "weight");
  private static final Set<String> GUARDRAIL_FIELDS = Set.of("metric", "atMost", "atLeast");
  /** Metrics the evaluator measures itself; any other guardrail metric is read from trajectory metadata. */
  public static final List<String> BUILTIN_METRICS = List.of("episode_tokens", "action_tokens", "tool_errors",
      "kl_to_control", "reward", "success");

  private ExperimentFile() {}

  /** Thrown for a declaration that cannot be used; the message names the file and the field. */
  public static final class InvalidExperimentException extends IllegalArgumentException {
    public InvalidExperimentException(String message) {
      super(message);
    }
  }

  public static Experiment read(Path file, Instant now) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidExperimentException(file + ": no such file");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new InvalidExperimentException(file + ": not UTF-8 text (" + e + ")");
    }
    return parse(text, file.toString(), now);
  }

  public static Experiment parse(String text, String source, Instant now) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidExperimentException(source + ": not valid YAML/JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidExperimentException(source + ": expected a mapping with id, control, arms, ...");
    }
    unknown(root, FIELDS, source, "");
    String id = text(root, "id", source, true);
    if (!id.matches("[A-Za-z0-9._-]+")) {
      throw new InvalidExperimentException(source + ": id '" + id + "' may only hold [A-Za-z0-9._-]");
    }
    JsonNode armsNode = root.get("arms");
    if (armsNode == null || !armsNode.isArray() || armsNode.size() < 2) {
      throw new InvalidExperimentException(source + ": arms: at least two arms are needed");
    }
    List<ExperimentArm> arms = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < armsNode.size(); i++) {
      JsonNode a = armsNode.get(i);
      String where = "arms[" + i + "]";
      if (!a.isObject()) {
        throw new InvalidExperimentException(source + ": " + where + ": expected {name, line, version, weight}");
      }
      unknown(a, ARM_FIELDS, source, where + ".");
      String name = text(a, "name", source + ": " + where, true);
      if (!names.add(name)) {
        throw new InvalidExperimentException(source + ": " + where + ".name: arm '" + name + "' is declared twice");
      }
      String line = a.has("line") ? text(a, "line", source + ": " + where, true) : name;
      Long version = a.has("version") && !a.get("version").isNull() ? integer(a, "version", source + ": " + where)
          : null;
      if (version != null && version < 0) {
        throw new InvalidExperimentException(source + ": " + where + ".version must be >= 0, got " + version);
      }
      double weight = a.has("weight") ? number(a, "weight", source + ": " + where) : 1.0;
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new InvalidExperimentException(source + ": " + where + ".weight must be > 0, got " + weight);
      }
      arms.add(ExperimentArm.newBuilder().setName(name).setLine(line).setVersion(version).setWeight(weight).build());
    }
    String control = text(root, "control", source, true);
    if (!names.contains(control)) {
      throw new InvalidExperimentException(source + ": control '" + control + "' is not one of the arms " + names);
    }
    String metric = root.has("primaryMetric") ? text(root, "primaryMetric", source, true) : "mean_reward";
    if (!metric.equals("mean_reward") && !metric.equals("success_rate")) {
      throw new InvalidExperimentException(source + ": primaryMetric must be mean_reward or success_rate, got '"
          + metric + "'");
    }
    if (!root.has("minimumDetectableEffect")) {
      throw new InvalidExperimentException(source + ": minimumDetectableEffect is required (the smallest effect on "
          + metric + " worth detecting, e.g. 0.05)");
    }
    double mde = number(root, "minimumDetectableEffect", source);
    if (!(mde > 0)) {
      throw new InvalidExperimentException(source + ": minimumDetectableEffect must be > 0, got " + mde);
    }
    double alpha = root.has("alpha") ? number(root, "alpha", source) : 0.05;
    if (!(alpha > 0 && alpha < 0.5)) {
      throw new InvalidExperimentException(source + ": alpha must be in (0, 0.5), got " + alpha);
    }
    double power = root.has("power") ? number(root, "power", source) : 0.8;
    if (!(power > 0.5 && power < 1)) {
      throw new InvalidExperimentException(source + ": power must be in (0.5, 1), got " + power);
    }
    List<Guardrail> guardrails = new ArrayList<>();
    JsonNode g = root.get("guardrails");
    if (g != null && !g.isNull()) {
      if (!g.isArray()) {
        throw new InvalidExperimentException(source + ": guardrails: expected a list of {metric, atMost|atLeast}");
      }
      for (int i = 0; i < g.size(); i++) {
        String where = source + ": guardrails[" + i + "]";
        JsonNode n = g.get(i);
        unknown(n, GUARDRAIL_FIELDS, source, "guardrails[" + i + "].");
        String m = text(n, "metric", where, true);
        if (n.has("atMost") == n.has("atLeast")) {
          throw new InvalidExperimentException(where + ": give exactly one of atMost and atLeast");
        }
        boolean atMost = n.has("atMost");
        double limit = number(n, atMost ? "atMost" : "atLeast", where);
        guardrails.add(Guardrail.newBuilder().setMetric(m)
            .setDirection(atMost ? GuardrailDirection.AT_MOST : GuardrailDirection.AT_LEAST).setLimit(limit).build());
      }
    }
    long windowSeconds = root.has("windowSeconds") ? integer(root, "windowSeconds", source) : 60;
    if (windowSeconds < 1) {
      throw new InvalidExperimentException(source + ": windowSeconds must be >= 1, got " + windowSeconds);
    }
    long minEpisodes = root.has("minEpisodesPerArm") ? integer(root, "minEpisodesPerArm", source) : 100;
    if (minEpisodes < 2 || minEpisodes > Integer.MAX_VALUE) {
      throw new InvalidExperimentException(source + ": minEpisodesPerArm must be >= 2, got " + minEpisodes);
    }
    Long maxEpisodes = root.has("maxEpisodesPerArm") && !root.get("maxEpisodesPerArm").isNull()
        ? integer(root, "maxEpisodesPerArm", source) : null;
    if (maxEpisodes != null && maxEpisodes < minEpisodes) {
      throw new InvalidExperimentException(source + ": maxEpisodesPerArm (" + maxEpisodes
          + ") is below minEpisodesPerArm (" + minEpisodes + ")");
    }
    Instant start = root.has("start") ? instant(root, "start", source) : now;
    Instant stop = root.has("stop") && !root.get("stop").isNull() ? instant(root, "stop", source) : null;
    if (stop != null && !stop.isAfter(start)) {
      throw new InvalidExperimentException(source + ": stop (" + stop + ") is not after start (" + start + ")");
    }
    return Experiment.newBuilder().setExperimentId(id)
        .setDescription(root.has("description") ? text(root, "description", source, false) : "")
        .setArms(arms).setControlArm(control).setPrimaryMetric(metric).setGuardrails(guardrails)
        .setMinimumDetectableEffect(mde).setAlpha(alpha).setPower(power)
        .setCupedCovariate(optionalText(root, "cupedCovariate", source)).setEnvId(optionalText(root, "envId", source))
        .setWindowMs(windowSeconds * 1000).setMinEpisodesPerArm((int) minEpisodes).setMaxEpisodesPerArm(maxEpisodes)
        .setStartAt(start).setStopAt(stop).setStatus(ExperimentStatus.RUNNING).setStatusReason("declared in "
            + source).setUpdatedAt(now).build();
  }

  private static void unknown(JsonNode node, Set<String> known, String source, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new InvalidExperimentException(source + ": unknown field '" + prefix + f + "' (known: "
            + new java.util.TreeSet<>(known) + ")");
      }
    }
  }

  private static String text(JsonNode node, String field, String where, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || (required && v.asText().isBlank())) {
      throw new InvalidExperimentException(where + ": " + field + " is required");
    }
    if (!v.isValueNode()) {
      throw new InvalidExperimentException(where + ": " + field + " must be a string, got " + v.getNodeType());
    }
    return v.asText();
  }

  private static String optionalText(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : text(node, field, where, true);
  }

  private static double number(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) {
      throw new InvalidExperimentException(where + ": " + field + " must be a number, got "
          + (v == null ? "nothing" : "'" + v.asText() + "'"));
    }
    return v.asDouble();
  }

  private static long integer(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new InvalidExperimentException(where + ": " + field + " must be an integer, got "
          + (v == null ? "nothing" : "'" + v.asText() + "'"));
    }
    return v.asLong();
  }

  private static Instant instant(JsonNode node, String field, String where) {
    String s = text(node, field, where, true);
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new InvalidExperimentException(where + ": " + field + " must be an ISO-8601 instant such as "
          + "2026-12-03T10:00:00Z, got '" + s + "'");
    }
  }
}
