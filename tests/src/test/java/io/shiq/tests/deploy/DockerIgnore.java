package io.shiq.tests.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A .dockerignore file as Docker applies it to a build context: one pattern a line ({@code #} comments), paths
 * relative to the context root (a leading {@code /} is dropped), Go's {@code filepath.Match} syntax plus {@code **}
 * for any number of directories, {@code !} for exceptions, the last matching pattern decides, and a pattern that
 * matches a directory excludes everything below it.
 */
public final class DockerIgnore {
  private record Rule(String pattern, Pattern regex, boolean exception) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  public static DockerIgnore read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static DockerIgnore parse(String text) {
    List<Rule> rules = new ArrayList<>();
    for (String line : text.lines().toList()) {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      boolean exception = s.startsWith("!");
      if (exception) {
        s = s.substring(1).strip();
      }
      s = clean(s);
      if (s.isEmpty()) {
        continue;
      }
      rules.add(new Rule(s, Pattern.compile(regex(s)), exception));
    }
    return new DockerIgnore(List.copyOf(rules));
  }

  private static String clean(String p) {
    String s = p.replace('\\', '/');
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    while (s.endsWith("/") && s.length() > 1) {
      s = s.substring(0, s.length() - 1);
    }
    while (s.startsWith("./")) {
      s = s.substring(2);
    }
    return s;
  }

  private static String regex(String pattern) {
    StringBuilder r = new StringBuilder("^");
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
        i++;
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
          i++;
          r.append("(?:.*/)?"); // "**/": zero or more directories
        } else {
          r.append(".*");
        }
      } else if (c == '*') {
        r.append("[^/]*");
      } else if (c == '?') {
        r.append("[^/]");
      } else if (c == '[') {
        int end = pattern.indexOf(']', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("bad pattern (unclosed [): " + pattern);
        }
        String cls = pattern.substring(i + 1, end);
        r.append('[').append(cls.startsWith("^") ? "^" + cls.substring(1).replace("\\", "\\\\")
            : cls.replace("\\", "\\\\")).append(']');
        i = end;
      } else {
        r.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return r.append('$').toString();
  }

  /** Whether the context path ({@code a/b/c}, relative to the context root) is left out of the build context. */
  public boolean excludes(String path) {
    String p = clean(path);
    boolean excluded = false;
    for (Rule rule : rules) {
      if (matchesOrParentMatches(rule.regex(), p)) {
        excluded = !rule.exception();
      }
    }
    return excluded;
  }

  private static boolean matchesOrParentMatches(Pattern regex, String path) {
    if (regex.matcher(path).matches()) {
      return true;
    }
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      if (regex.matcher(path.substring(0, i)).matches()) {
        return true;
      }
    }
    return false;
  }

  /** The patterns, in file order ({@code !} marks exceptions). */
  public List<String> patterns() {
    return rules.stream().map(r -> (r.exception() ? "!" : "") + r.pattern()).toList();
  }
}
