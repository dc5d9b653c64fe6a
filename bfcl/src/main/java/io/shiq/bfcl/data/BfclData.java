package io.shiq.bfcl.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        if (n.has("initial_config") && !n.get("initial_config").isObject()) {
          throw new IOException(where + ": field 'initial_config' must map class names to their scenarios");
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

  /** MULTI_TURN_FUNC_DOC_FILE_MAPPING: the tool-doc file of each class, under {@code multi_turn_func_doc/}. */
  public static final Map<String, String> FUNC_DOC_FILES = Map.of(
      "GorillaFileSystem", "gorilla_file_system.json",
      "MathAPI", "math_api.json",
      "MessageAPI", "message_api.json",
      "TwitterAPI", "posting_api.json",
      "TicketAPI", "ticket_api.json",
      "TradingBot", "trading_bot.json",
      "TravelAPI", "travel_booking.json",
      "VehicleControlAPI", "vehicle_control.json");

  /** What BFCL's load_dataset_entry appends to the description of every function offered from the start. */
  static final String PYTHON_HINT = " Note that the provided function is in Python 3 syntax.";

  /**
   * Every record of the given categories (all when empty) as BFCL's inference sees it: its questions, the docs of
   * its classes less the held-out ones (with BFCL's Python hint appended to their descriptions), and the held-out
   * docs by turn, in file order.
   */
  public static List<BfclTask> loadTasks(Path dir, List<String> categories) throws IOException {
    Map<String, BfclRecord> records = new LinkedHashMap<>();
    for (BfclRecord r : load(dir, categories)) {
      records.put(r.id(), r);
    }
    Map<String, Path> files = categories(dir);
    List<String> wanted = categories.isEmpty() ? new ArrayList<>(files.keySet()) : categories;
    Map<String, List<ObjectNode>> docsByClass = new LinkedHashMap<>();
    List<BfclTask> out = new ArrayList<>();
    for (String category : wanted) {
      Path file = files.get(category);
      for (Map.Entry<Integer, JsonNode> line : lines(file).entrySet()) {
        JsonNode n = line.getValue();
        String where = file + " line " + line.getKey();
        BfclRecord record = records.get(text(n, "id", where));
        List<ObjectNode> functions = new ArrayList<>();
        for (String className : record.involvedClasses()) {
          List<ObjectNode> docs = docsByClass.get(className);
          if (docs == null) {
            docs = funcDocs(dir, className, where);
            docsByClass.put(className, docs);
          }
          docs.forEach(d -> functions.add(d.deepCopy()));
        }
        Map<Integer, List<ObjectNode>> heldOut = holdOut(n.get("missed_function"), functions, where);
        for (ObjectNode f : functions) {
          JsonNode description = f.get("description");
          if (description == null || !description.isTextual()) {
            throw new IOException(where + ": the doc of " + f.path("name").asText("?") + " has no 'description'");
          }
          f.put("description", description.asText() + PYTHON_HINT);
        }
        List<List<BfclTask.Message>> questions = questions(n.get("question"), where);
        if (questions.size() != record.groundTruth().size()) {
          throw new IOException(where + ": field 'question' has " + questions.size() + " turns, the ground truth "
              + record.groundTruth().size());
        }
        for (int turn : heldOut.keySet()) {
          if (turn < questions.size() && !questions.get(turn).isEmpty()) {
            throw new IOException(where + ": field 'question' turn " + turn + " holds messages, but the turn "
                + "brings held-out functions (BFCL asserts it has none)");
          }
        }
        out.add(new BfclTask(record, questions, functions, heldOut));
      }
    }
    return out;
  }

  private static List<ObjectNode> funcDocs(Path dir, String className, String where) throws IOException {
    String name = FUNC_DOC_FILES.get(className);
    if (name == null) {
      throw new IOException(where + ": field 'involved_classes' names " + className + ", which has no tool docs; "
          + "known: " + new java.util.TreeSet<>(FUNC_DOC_FILES.keySet()));
    }
    Path file = dir.resolve("multi_turn_func_doc").resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IOException("tool docs " + file + " of " + className + " missing (needed by " + where + ")");
    }
    List<ObjectNode> docs = new ArrayList<>();
    for (Map.Entry<Integer, JsonNode> doc : lines(file).entrySet()) {
      if (!(doc.getValue() instanceof ObjectNode o) || !o.path("name").isTextual()) {
        throw new IOException(file + " line " + doc.getKey() + ": a tool doc must be an object with a 'name'");
      }
      docs.add(o);
    }
    return docs;
  }

  /**
   * BFCL's hold-out: for each turn of {@code missed_function} and each name in it, the first doc of that name is
   * moved from {@code functions} to that turn (a name with no doc is passed over, as BFCL does).
   */
  private static Map<Integer, List<ObjectNode>> holdOut(JsonNode missed, List<ObjectNode> functions, String where)
      throws IOException {
    Map<Integer, List<ObjectNode>> out = new java.util.TreeMap<>();
    if (missed == null) {
      return out;
    }
    if (!missed.isObject()) {
      throw new IOException(where + ": field 'missed_function' must map turn indices to lists of function names");
    }
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) missed::fields) {
      int turn;
      try {
        turn = Integer.parseInt(e.getKey());
      } catch (NumberFormatException notATurn) {
        throw new IOException(where + ": field 'missed_function' key '" + e.getKey() + "' is not a turn index");
      }
      if (!e.getValue().isArray()) {
        throw new IOException(where + ": field 'missed_function' turn " + turn + " is not a list of names");
      }
      List<ObjectNode> docs = new ArrayList<>();
      for (JsonNode name : e.getValue()) {
        for (int i = 0; i < functions.size(); i++) {
          if (functions.get(i).path("name").asText().equals(name.asText())) {
            docs.add(functions.remove(i));
            break;
          }
        }
      }
      out.put(turn, docs);
    }
    return out;
  }

  private static List<List<BfclTask.Message>> questions(JsonNode question, String where) throws IOException {
    if (question == null || !question.isArray()) {
      throw new IOException(where + ": field 'question' must be a list of turns");
    }
    List<List<BfclTask.Message>> out = new ArrayList<>();
    for (JsonNode turn : question) {
      if (!turn.isArray()) {
        throw new IOException(where + ": field 'question' turn " + out.size() + " is not a list of messages");
      }
      List<BfclTask.Message> messages = new ArrayList<>();
      for (JsonNode m : turn) {
        if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
          throw new IOException(where + ": field 'question' turn " + out.size() + " message " + messages.size()
              + " needs a string 'role' and 'content'");
        }
        messages.add(new BfclTask.Message(m.get("role").asText(), m.get("content").asText()));
      }
      out.add(messages);
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
    int number = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
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
    } catch (java.nio.charset.CharacterCodingException e) {
      // the reader decodes ahead of the lines it returns: the bad bytes are at this line or a later one
      throw new IOException(file + ": not UTF-8 text at or after line " + (number + 1) + " (" + e + ")", e);
    }
    return out;
  }
}
