package io.shiq.app.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.bfcl.decode.DecodedCalls;
import io.shiq.bfcl.decode.ToolCallDecoder;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.envs.bfcl.BfclSessionReplay;
import io.shiq.policy.chat.ChatMessage;
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
    List<List<String>> loggedTools = line.has("inference_log") ? loggedToolResults(line.get("inference_log")) : null;
    return rebuild(task, texts, "logged", source, loggedTools);
  }

  /**
   * The tool results of BFCL's inference log, per turn in order: BFCL's handlers log each turn as a dict with
   * {@code begin_of_turn_query} and {@code step_0}, {@code step_1}, ... each a list of messages, one
   * {@code {"role": "tool", "content": result}} per executed call (base_handler.py, inference_multi_turn_*);
   * state snapshots between turns are lists and are skipped.
   */
  static List<List<String>> loggedToolResults(JsonNode log) {
    List<List<String>> turns = new ArrayList<>();
    if (log == null || !log.isArray()) {
      return turns;
    }
    for (JsonNode item : log) {
      if (!item.isObject() || !item.has("begin_of_turn_query")) {
        continue;
      }
      List<String> names = new ArrayList<>();
      item.fieldNames().forEachRemaining(n -> {
        if (n.matches("step_\\d+")) {
          names.add(n);
        }
      });
      names.sort(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.substring(5))));
      List<String> results = new ArrayList<>();
      for (String n : names) {
        for (JsonNode m : item.get(n)) {
          if ("tool".equals(m.path("role").asText())) {
            JsonNode c = m.get("content");
            results.add(c == null ? "" : c.isTextual() ? c.asText() : c.toString());
          }
        }
      }
      turns.add(results);
    }
    return turns;
  }

  /** The tool results fed back in the rebuilt conversation, per user turn. */
  private static List<List<String>> rebuiltToolResults(BfclSessionReplay.Rebuilt r) {
    List<List<String>> turns = new ArrayList<>();
    for (ChatMessage m : r.episode().transcript().messages()) {
      if (m.role().equals("user")) {
        turns.add(new ArrayList<>());
      } else if (m.role().equals("tool") && !turns.isEmpty()) {
        turns.get(turns.size() - 1).add(m.content());
      }
    }
    return turns;
  }

  /** "match", or how many logged tool results differ from the Java backends' and the first difference. */
  private static String[] compareWithLog(List<List<String>> logged, List<List<String>> rebuilt) {
    int differ = 0;
    int total = 0;
    String first = null;
    for (int t = 0; t < Math.max(logged.size(), rebuilt.size()); t++) {
      List<String> a = t < logged.size() ? logged.get(t) : List.of();
      List<String> b = t < rebuilt.size() ? rebuilt.get(t) : List.of();
      for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
        total++;
        String x = i < a.size() ? a.get(i) : null;
        String y = i < b.size() ? b.get(i) : null;
        if (!java.util.Objects.equals(x, y)) {
          differ++;
          if (first == null) {
            first = "turn " + t + " result " + i + ": logged " + (x == null ? "nothing" : abbreviate(x))
                + ", rebuilt " + (y == null ? "nothing" : abbreviate(y));
          }
        }
      }
    }
    return differ == 0 ? new String[] {"match (" + total + " results)", null}
        : new String[] {differ + " of " + total + " differ", first};
  }

  /** The record's ground truth as an expert session. */
  public Outcome groundTruth(BfclTask task) {
    return rebuild(task, BfclSessionReplay.expert(task, env.style()), "ground_truth", "ground truth", null);
  }

  private Outcome rebuild(BfclTask task, List<List<String>> texts, String kind, String source,
                          List<List<String>> loggedTools) {
    String entry = task.record().id();
    try {
      BfclSessionReplay.Rebuilt r = BfclSessionReplay.rebuild(env, task, texts);
      String tid = "bfcl-" + kind.charAt(0) + "-" + digest(env.tokenizer().id() + "\n" + env.template().id() + "\n"
          + entry + "\n" + texts);
      Map<String, String> metadata = new LinkedHashMap<>(r.episode().metadata());
      metadata.put("import.kind", kind);
      metadata.put("import.source", source);
      if (loggedTools != null) {
        // The log's tool results against the Java backends' for the same calls: a difference means the logged run
        // saw other results (another BFCL version, the clock) and the rebuilt conversation is not the logged one.
        String[] cmp = compareWithLog(loggedTools, rebuiltToolResults(r));
        metadata.put("import.inference_log", cmp[0]);
        if (cmp[1] != null) {
          metadata.put("import.inference_log_first_difference", cmp[1]);
        }
      }
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
