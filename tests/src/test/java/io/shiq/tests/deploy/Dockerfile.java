package io.shiq.tests.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Dockerfile parser, enough for tests to read a Dockerfile as BuildKit does: parser directives
 * ({@code # syntax=}, {@code # escape=}), comments, line continuations, instructions with their {@code --flags},
 * JSON (exec) and shell forms, global {@code ARG}s before the first {@code FROM}, and stages ({@code FROM image AS
 * name}) with their ARG/ENV variables, so that {@code FROM ${IMAGE}} resolves to the image it names. Heredocs are not
 * supported (they fail the parse, so a test notices).
 */
public final class Dockerfile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?}"
      + "|([A-Za-z_][A-Za-z0-9_]*))");
  private static final Pattern HEREDOC = Pattern.compile("<<-?[\"']?[A-Za-z_]+");

  /** One instruction: its keyword (upper case), its leading {@code --name[=value]} flags and the rest. */
  public record Instruction(int line, String keyword, Map<String, String> flags, String arguments) {
    /** The arguments as a JSON array (exec form), or empty when they are in shell form. */
    public Optional<List<String>> json() {
      String a = arguments.trim();
      if (!a.startsWith("[")) {
        return Optional.empty();
      }
      try {
        return Optional.of(JSON.readValue(a, new TypeReference<List<String>>() {}));
      } catch (IOException e) {
        return Optional.empty(); // Docker then runs it in shell form, too
      }
    }

    /** The arguments as words: whitespace-separated, with quotes and backslash escapes removed. */
    public List<String> words() {
      return json().orElseGet(() -> Dockerfile.words(arguments));
    }

    @Override
    public String toString() {
      return "line " + line + ": " + keyword + (flags.isEmpty() ? "" : " " + flags) + " " + arguments;
    }
  }

  /** A stage: {@code FROM base [AS name]} and its instructions (FROM excluded). */
  public record Stage(int index, String name, Instruction from, String base, List<Instruction> instructions) {
    public List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    public Optional<Instruction> last(String keyword) {
      List<Instruction> l = all(keyword);
      return l.isEmpty() ? Optional.empty() : Optional.of(l.get(l.size() - 1));
    }
  }

  private final Path file;
  private final Map<String, String> directives;
  private final Map<String, String> globalArgs;
  private final List<Stage> stages;

  private Dockerfile(Path file, Map<String, String> directives, Map<String, String> globalArgs, List<Stage> stages) {
    this.file = file;
    this.directives = directives;
    this.globalArgs = globalArgs;
    this.stages = stages;
  }

  public static Dockerfile read(Path file) {
    try {
      return parse(file, Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Dockerfile parse(Path file, String text) {
    List<String> lines = text.lines().toList();
    Map<String, String> directives = new LinkedHashMap<>();
    int i = 0;
    Pattern directive = Pattern.compile("^#\\s*([A-Za-z]+)\\s*=\\s*(\\S+)\\s*$");
    for (; i < lines.size(); i++) {
      Matcher m = directive.matcher(lines.get(i));
      if (!m.matches()) {
        break;
      }
      directives.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    char escape = directives.getOrDefault("escape", "\\").charAt(0);

    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = null;
    int start = 0;
    for (; i < lines.size(); i++) {
      String raw = lines.get(i);
      String stripped = raw.strip();
      if (stripped.startsWith("#") || (stripped.isEmpty() && current == null)) {
        continue; // comments are removed even inside a continued instruction
      }
      if (stripped.isEmpty()) {
        continue; // an empty line inside a continuation (Docker accepts it)
      }
      if (current == null) {
        current = new StringBuilder();
        start = i + 1;
      }
      String body = raw.stripTrailing();
      if (!body.isEmpty() && body.charAt(body.length() - 1) == escape) {
        current.append(body, 0, body.length() - 1).append(' ');
        continue;
      }
      current.append(body);
      instructions.add(instruction(file, start, current.toString()));
      current = null;
    }
    if (current != null) {
      throw new IllegalArgumentException(file + ":" + start + ": the file ends inside a continued line");
    }

    Map<String, String> globalArgs = new LinkedHashMap<>();
    List<Stage> stages = new ArrayList<>();
    List<Instruction> body = null;
    Instruction from = null;
    for (Instruction in : instructions) {
      if (in.keyword().equals("FROM")) {
        if (from != null) {
          stages.add(stage(stages.size(), from, body));
        }
        from = in;
        body = new ArrayList<>();
      } else if (from == null) {
        if (!in.keyword().equals("ARG")) {
          throw new IllegalArgumentException(file + ": " + in + ": only ARG may come before the first FROM");
        }
        globalArgs.putAll(args(in, Map.of()));
      } else {
        body.add(in);
      }
    }
    if (from != null) {
      stages.add(stage(stages.size(), from, body));
    }
    return new Dockerfile(file, Collections.unmodifiableMap(directives), Collections.unmodifiableMap(globalArgs),
        List.copyOf(stages));
  }

  private static Stage stage(int index, Instruction from, List<Instruction> body) {
    List<String> w = words(from.arguments());
    String name = null;
    if (w.size() == 3 && w.get(1).equalsIgnoreCase("AS")) {
      name = w.get(2).toLowerCase(Locale.ROOT);
    } else if (w.size() != 1) {
      throw new IllegalArgumentException("line " + from.line() + ": FROM [--platform=...] IMAGE [AS NAME], not "
          + from.arguments());
    }
    return new Stage(index, name, from, w.get(0), List.copyOf(body));
  }

  private static Instruction instruction(Path file, int line, String text) {
    String s = text.strip();
    int sp = indexOfWhitespace(s);
    String keyword = (sp < 0 ? s : s.substring(0, sp)).toUpperCase(Locale.ROOT);
    String rest = sp < 0 ? "" : s.substring(sp).strip();
    Map<String, String> flags = new LinkedHashMap<>();
    if (List.of("FROM", "COPY", "ADD", "RUN", "HEALTHCHECK").contains(keyword)) {
      while (rest.startsWith("--")) {
        int end = indexOfWhitespace(rest);
        String flag = end < 0 ? rest : rest.substring(0, end);
        int eq = flag.indexOf('=');
        flags.put(eq < 0 ? flag.substring(2) : flag.substring(2, eq), eq < 0 ? "" : flag.substring(eq + 1));
        rest = end < 0 ? "" : rest.substring(end).strip();
      }
    }
    if (List.of("RUN", "COPY", "ADD").contains(keyword) && HEREDOC.matcher(rest).find()) {
      throw new IllegalArgumentException(file + ":" + line + ": heredocs are not supported by this parser: " + text);
    }
    return new Instruction(line, keyword, Collections.unmodifiableMap(flags), rest);
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Shell-like words: whitespace separates, single and double quotes group, a backslash escapes the next char. */
  public static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder w = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < text.length()) {
          w.append(text.charAt(++i));
        } else {
          w.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (w != null) {
          out.add(w.toString());
          w = null;
        }
      } else {
        if (w == null) {
          w = new StringBuilder();
        }
        if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '\\' && i + 1 < text.length()) {
          w.append(text.charAt(++i));
        } else {
          w.append(c);
        }
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed quote in: " + text);
    }
    if (w != null) {
      out.add(w.toString());
    }
    return out;
  }

  /** The {@code name=value} pairs of an ARG, ENV or LABEL (ENV's legacy {@code ENV name value} form included). */
  public static Map<String, String> pairs(Instruction in, Map<String, String> variables) {
    List<String> w = words(in.arguments());
    Map<String, String> out = new LinkedHashMap<>();
    if (in.keyword().equals("ENV") && !w.isEmpty() && !w.get(0).contains("=")) {
      String name = w.get(0);
      String value = in.arguments().strip().substring(name.length()).strip();
      out.put(name, substitute(value, variables));
      return out;
    }
    Map<String, String> vars = new LinkedHashMap<>(variables);
    for (String word : w) {
      int eq = word.indexOf('=');
      String name = eq < 0 ? word : word.substring(0, eq);
      String value = eq < 0 ? null : substitute(word.substring(eq + 1), vars);
      out.put(name, value);
      if (value != null && in.keyword().equals("ENV")) {
        vars.put(name, value); // later pairs of one ENV see earlier ones
      }
    }
    return out;
  }

  private static Map<String, String> args(Instruction in, Map<String, String> variables) {
    return pairs(in, variables);
  }

  /** {@code $X}, {@code ${X}}, {@code ${X:-default}} and {@code ${X:+alternative}} replaced from {@code variables}. */
  public static String substitute(String text, Map<String, String> variables) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(4);
      String value = variables.get(name);
      boolean set = value != null && !value.isEmpty();
      String replacement;
      if ("-".equals(m.group(2))) {
        replacement = set ? value : m.group(3);
      } else if ("+".equals(m.group(2))) {
        replacement = set ? m.group(3) : "";
      } else {
        replacement = value == null ? "" : value;
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  public Path file() {
    return file;
  }

  public Map<String, String> directives() {
    return directives;
  }

  /** ARGs declared before the first FROM, with their defaults (null when none). */
  public Map<String, String> globalArgs() {
    return globalArgs;
  }

  public List<Stage> stages() {
    return stages;
  }

  public Optional<Stage> stage(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return stages.stream().filter(s -> n.equals(s.name())).findFirst();
  }

  /** The base of a stage with global ARGs substituted: an image reference, or the name of an earlier stage. */
  public String base(Stage stage) {
    Map<String, String> vars = new LinkedHashMap<>();
    globalArgs.forEach((k, v) -> vars.put(k, v == null ? "" : v));
    return substitute(stage.base(), vars);
  }

  /** The earlier stage a stage is built FROM, if it is built from one. */
  public Optional<Stage> parent(Stage stage) {
    String base = base(stage).toLowerCase(Locale.ROOT);
    return stages.stream().filter(s -> s.index() < stage.index() && base.equals(s.name())).findFirst();
  }

  /** The stage and the stages it is built from, base first. */
  public List<Stage> chain(Stage stage) {
    List<Stage> out = new ArrayList<>();
    for (Optional<Stage> s = Optional.of(stage); s.isPresent(); s = parent(s.get())) {
      out.add(0, s.get());
    }
    return out;
  }

  /** The instructions of a stage and of the stages it is built from, in build order. */
  public List<Instruction> instructions(Stage stage) {
    return chain(stage).stream().flatMap(s -> s.instructions().stream()).toList();
  }

  /** The last instruction with this keyword that applies to the stage (inherited from parent stages). */
  public Optional<Instruction> effective(Stage stage, String keyword) {
    List<Instruction> l = instructions(stage).stream().filter(i -> i.keyword().equals(keyword)).toList();
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(l.size() - 1));
  }

  /**
   * Build-time variables of a stage: the global ARGs it re-declares (with their global default unless it gives
   * one), its own ARGs and its ENV, in order, inherited from parent stages (ENV only, as Docker does for ARG scope).
   */
  public Map<String, String> variables(Stage stage) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (Stage s : chain(stage)) {
      Map<String, String> args = new LinkedHashMap<>();
      for (Instruction in : s.instructions()) {
        if (in.keyword().equals("ARG")) {
          Map<String, String> merged = new LinkedHashMap<>(vars);
          merged.putAll(args);
          for (Map.Entry<String, String> e : pairs(in, merged).entrySet()) {
            String v = e.getValue() != null ? e.getValue() : globalArgs.get(e.getKey());
            args.put(e.getKey(), v == null ? "" : v);
          }
        } else if (in.keyword().equals("ENV")) {
          Map<String, String> merged = new LinkedHashMap<>(vars);
          merged.putAll(args);
          vars.putAll(pairs(in, merged));
        }
      }
      if (s == stage) {
        Map<String, String> out = new LinkedHashMap<>(vars);
        args.forEach(out::putIfAbsent);
        return out;
      }
    }
    return vars;
  }

  /** The ENV of a stage (inherited), values substituted. */
  public Map<String, String> environment(Stage stage) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (Instruction in : instructions(stage)) {
      if (in.keyword().equals("ENV")) {
        vars.putAll(pairs(in, variables(stage)));
      }
    }
    return vars;
  }

  /** The LABELs of a stage (inherited), values substituted with the stage's variables. */
  public Map<String, String> labels(Stage stage) {
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, String> vars = variables(stage);
    for (Instruction in : instructions(stage)) {
      if (in.keyword().equals("LABEL")) {
        out.putAll(pairs(in, vars));
      }
    }
    return out;
  }

  /** The WORKDIR in effect before an instruction of a stage (inherited; "/" when none). */
  public String workdir(Stage stage, Instruction before) {
    String dir = "/";
    for (Instruction in : instructions(stage)) {
      if (in == before) {
        break;
      }
      if (in.keyword().equals("WORKDIR")) {
        String w = substitute(in.arguments().strip(), variables(stage));
        dir = w.startsWith("/") ? w : (dir.endsWith("/") ? dir : dir + "/") + w;
      }
    }
    return dir;
  }

  /** Sources and destination of a COPY or ADD (exec or shell form). */
  public static List<String> copyOperands(Instruction in) {
    List<String> w = in.words();
    if (w.size() < 2) {
      throw new IllegalArgumentException(in + ": COPY needs a source and a destination");
    }
    return w;
  }
}
