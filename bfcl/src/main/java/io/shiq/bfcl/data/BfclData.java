package io.shiq.bfcl.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.bfcl.py.PyValues;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads BFCL's multi-turn data from a directory in BFCL's own layout: {@code BFCL_v4_multi_turn_<category>.json}
 * (or {@code BFCL_v3_...}), JSON lines of records, and {@code possible_answer/} with the same file names holding
 * {@code {"id", "ground_truth"}} lines. Errors name the file and line.
 */
public final class BfclData {
  private static final Pattern FILE = Pattern.compile("BFCL_v\\d+_multi_turn_([a-z_]+)\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private BfclData() {}

  /** The multi-turn category files in {@code dir}, category name to file, sorted by name. */
  public static Map<String, Path> categories(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("BFCL data directory " + dir + " does not exist");
    }
    Map<String, Path> out = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = FILE.matcher(f.getFileName().toString());
        if (m.matches() && Files.isRegularFile(f)) {
          out.put(m.group(1), f);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException("no BFCL_v*_multi_turn_<category>.json file in " + dir);
    }
    return out;
  }

  /** Every record of the given categories (all when empty), in file order, with its ground truth. */
  public static List<BfclRecord> load(Path dir, List<String> categories) throws IOException {
    Map<String, Path> files = categories(dir);
    List<String> wanted = categories.isEmpty() ? new ArrayList<>(files.keySet()) : categories;
    List<BfclRecord> out = new ArrayList<>();
    for (String category : wanted) {
      Path file = files.get(category);
      if (file == null) {
        throw new IOException("no multi-turn category '" + category + "' in " + dir + "; found " + files.keySet());
      }
      Path answers = dir.resolve("possible_answer").resolve(file.getFileName());
      if (!Files.isRegularFile(answers)) {
        throw new IOException("ground truth " + answers + " missing for " + file);
      }
      Map<String, List<List<String>>> truth = groundTruth(answers);
      for (Map.Entry<Integer, JsonNode> line : lines(file).entrySet()) {
        JsonNode n = line.getValue();
        String where = file + " line " + line.getKey();
        String id = text(n, "id", where);
        List<List<String>> gt = truth.get(id);
        if (gt == null) {
          throw new IOException(where + ": record " + id + " has no ground truth in " + answers);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> config = n.has("initial_config")
            ? (Map<String, Object>) PyValues.fromJson(n.get("initial_config")) : new LinkedHashMap<>();
        List<String> classes = new ArrayList<>();
        JsonNode involved = n.get("involved_classes");
        if (involved == null || !involved.isArray()) {
          throw new IOException(where + ": field 'involved_classes' must be a list of class names");
        }
        involved.forEach(c -> classes.add(c.asText()));
        out.add(new BfclRecord(id, category, config, classes, gt));
      }
    }
    return out;
  }

  private static Map<String, List<List<String>>> groundTruth(Path file) throws IOException {
    Map<String, List<List<String>>> out = new LinkedHashMap<>();
    for (Map.Entry<Integer, JsonNode> line : lines(file).entrySet()) {
      String where = file + " line " + line.getKey();
      JsonNode gt = line.getValue().get("ground_truth");
      if (gt == null || !gt.isArray()) {
        throw new IOException(where + ": field 'ground_truth' must be a list of turns");
      }
      out.put(text(line.getValue(), "id", where), turns(gt, where + " field 'ground_truth'"));
    }
    return out;
  }

  /** [turn][call] strings. */
  public static List<List<String>> turns(JsonNode turns, String where) throws IOException {
    List<List<String>> out = new ArrayList<>();
    for (JsonNode turn : turns) {
      if (!turn.isArray()) {
        throw new IOException(where + ": turn " + out.size() + " is not a list of call strings");
      }
      List<String> calls = new ArrayList<>();
      for (JsonNode c : turn) {
        if (!c.isTextual()) {
          throw new IOException(where + ": turn " + out.size() + " holds a non-string call " + c);
        }
        calls.add(c.asText());
      }
      out.add(calls);
    }
    return out;
  }

  private static String text(JsonNode n, String field, String where) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException(where + ": field '" + field + "' missing or not a string");
    }
    return v.asText();
  }

  /** Non-blank JSON lines by 1-based line number. */
  public static Map<Integer, JsonNode> lines(Path file) throws IOException {
    Map<Integer, JsonNode> out = new LinkedHashMap<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = r.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.put(number, JSON.readTree(line));
        } catch (IOException e) {
          throw new IOException(file + " line " + number + ": not JSON: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }
}
