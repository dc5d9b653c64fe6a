package io.shiq.app.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.bfcl.decode.DecodedCalls;
import io.shiq.bfcl.decode.ToolCallDecoder;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.envs.bfcl.BfclSessionReplay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BFCL result files as trajectories: each entry's logged model outputs replay through the {@code bfcl} environment
 * ({@link BfclSessionReplay}), so tool results come from the Java backends, rewards from the checker and prompt
 * tokens from the chosen model's template. Trajectory ids are a hash of what makes the session (tokenizer, record,
 * logged outputs), so importing the same file again gives the same ids.
 */
public final class BfclImport {
  /** What became of one result-file entry: a trajectory, or why it could not be rebuilt. */
  public record Outcome(String entryId, Trajectory trajectory, String problem) {}

  private final BfclEnvironment env;
  private final Map<String, BfclTask> tasks = new LinkedHashMap<>();
  private final String arm;

  public BfclImport(BfclEnvironment env, String arm) {
    this.env = env;
    this.arm = arm;
    for (BfclTask t : env.tasks()) {
      tasks.put(t.record().id(), t);
    }
  }

  /**
   * One line of a result file: {@code {"id", "result": [turn][step]}} as BFCL writes it (a step: the model's raw
   * text, a list of decoded call strings, or function-calling dicts {name: arguments}), or as {@code shiq bfcl eval}
   * writes it (with the raw texts in {@code "raw"}, used when present).
   *
   * @param source where the line came from (file and line), kept in the trajectory's metadata
   */
  public Outcome fromResultLine(JsonNode line, String source) {
    JsonNode id = line.get("id");
    if (id == null || !id.isTextual()) {
      return new Outcome(null, null, "field 'id' missing or not a string");
    }
    BfclTask task = tasks.get(id.asText());
    if (task == null) {
      return new Outcome(id.asText(), null, "no record " + id.asText() + " in the BFCL data");
    }
    JsonNode steps = line.has("raw") ? line.get("raw") : line.get("result");
    if (steps == null || !steps.isArray()) {
      return new Outcome(id.asText(), null, "field 'result' missing or not a list of turns");
    }
    List<List<String>> texts = new ArrayList<>();
    for (JsonNode turn : steps) {
      if (!turn.isArray()) {
        return new Outcome(id.asText(), null, "turn " + texts.size() + " is not a list of steps");
      }
      List<String> out = new ArrayList<>();
      boolean decodedOnly = turn.size() > 0;
      for (JsonNode step : turn) {
        decodedOnly &= step.isArray();
        String text = stepText(step);
        if (text == null) {
          return new Outcome(id.asText(), null, "turn " + texts.size() + " step " + out.size()
              + ": neither text, call strings nor function-calling dicts: " + abbreviate(step.toString()));
        }
        out.add(text);
      }
      // A file of decoded calls (what 'shiq bfcl check' reads) lists only the steps that called something; the
      // answer without calls that ended each turn is implied.
      if (decodedOnly && !out.get(out.size() - 1).isEmpty()) {
        out.add("");
      }
      texts.add(out);
    }
    return rebuild(task, texts, "logged", source);
  }

  /** The record's ground truth as an expert session. */
  public Outcome groundTruth(BfclTask task) {
    return rebuild(task, BfclSessionReplay.expert(task, env.style()), "ground_truth", "ground truth");
  }

  private Outcome rebuild(BfclTask task, List<List<String>> texts, String kind, String source) {
    String entry = task.record().id();
    try {
      BfclSessionReplay.Rebuilt r = BfclSessionReplay.rebuild(env, task, texts);
      String tid = "bfcl-" + kind.charAt(0) + "-" + digest(env.tokenizer().id() + "\n" + env.template().id() + "\n"
          + entry + "\n" + texts);
      Map<String, String> metadata = new LinkedHashMap<>(r.episode().metadata());
      metadata.put("import.kind", kind);
      metadata.put("import.source", source);
      boolean done = r.episode().done();
      Trajectory t = Trajectory.newBuilder()
          .setTrajectoryId(tid).setEpisodeId(tid).setSessionId(entry).setActorId("bfcl-import")
          .setOrigin(TrajectoryOrigin.IMPORT_BFCL).setEnvId(env.id()).setTaskId(entry).setArm(arm)
          .setPolicyVersion(0).setTokenizerId(env.tokenizer().id()).setCreatedAt(Instant.now())
          .setTurns(r.turns()).setReward(null).setDone(done).setTruncated(!done).setMetadata(metadata)
          .build();
      return new Outcome(entry, t, null);
    } catch (BfclSessionReplay.RebuildException e) {
      return new Outcome(entry, null, e.getMessage());
    } catch (RuntimeException e) {
      return new Outcome(entry, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** A step as the model's text: raw text as it is; decoded calls written in the environment's call style. */
  private String stepText(JsonNode step) {
    if (step.isTextual()) {
      return step.asText();
    }
    if (step.isArray()) {
      boolean strings = true;
      for (JsonNode c : step) {
        strings &= c.isTextual();
      }
      List<String> calls = new ArrayList<>();
      if (strings) {
        step.forEach(c -> calls.add(c.asText()));
      } else {
        DecodedCalls d = ToolCallDecoder.decodeStep(step, null);
        if (d.failed()) {
          return null;
        }
        calls.addAll(d.calls());
      }
      return calls.isEmpty() ? "" : ToolCallDecoder.render(calls, env.style());
    }
    return null;
  }

  private static String digest(String s) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
