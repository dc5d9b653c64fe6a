package io.shiq.policy.chat;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods for Jinjava. Chat templates are Jinja run by Python, so they call
 * {@code content.startswith('<tool_response>')}, {@code content.split('</think>')[-1].lstrip('\n')} and the like;
 * Jinjava would call the Java method of that name instead (there is none, or {@code split} takes a regex and drops
 * trailing empty parts). This resolver answers those calls on strings with Python's semantics, and the few
 * {@code dict} methods templates use ({@code items}, {@code keys}, {@code values}, {@code get(key, default)}) on
 * maps, and {@code s[-1]} indexing on strings; every other call falls through to Jinjava's resolvers.
 *
 * <p>Supported on strings: {@code startswith, endswith} (a prefix or a list of them), {@code split, rsplit}
 * ({@code sep=None} splits on runs of whitespace, a separator keeps empty parts; {@code maxsplit}),
 * {@code strip, lstrip, rstrip} (whitespace, or any of the given characters), {@code upper, lower, title,
 * capitalize, replace} (with count), {@code find, rfind, count, join, splitlines, isdigit, isalpha, isalnum,
 * isspace}.
 */
public final class PythonStringMethods extends ELResolver {
  private static final Object UNRESOLVED = new Object();
  private static final java.util.regex.Pattern INDEX = java.util.regex.Pattern.compile("-?\\d{1,9}");

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (base == null || method == null) {
      return null;
    }
    Object[] args = params == null ? new Object[0] : params;
    Object result = UNRESOLVED;
    if (base instanceof CharSequence s) {
      result = string(s.toString(), method.toString(), args);
    } else if (base instanceof Map<?, ?> m) {
      result = dict(m, method.toString(), args);
    }
    if (result == UNRESOLVED) {
      return null;
    }
    context.setPropertyResolved(true);
    return result;
  }

  /** The result of Python's {@code s.name(*args)}, or UNRESOLVED when this is not a str method we know. */
  static Object string(String s, String name, Object[] args) {
    return switch (name) {
      case "startswith" -> anyOf(args, 0, p -> slice(s, args, 1).startsWith(p));
      case "endswith" -> anyOf(args, 0, p -> slice(s, args, 1).endsWith(p));
      case "split" -> split(s, str(arg(args, 0)), intArg(args, 1, -1));
      case "rsplit" -> rsplit(s, str(arg(args, 0)), intArg(args, 1, -1));
      case "strip" -> rstrip(lstrip(s, str(arg(args, 0))), str(arg(args, 0)));
      case "lstrip" -> lstrip(s, str(arg(args, 0)));
      case "rstrip" -> rstrip(s, str(arg(args, 0)));
      case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
      case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
      case "title" -> title(s);
      case "capitalize" -> s.isEmpty() ? s
          : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1).toLowerCase(java.util.Locale.ROOT);
      case "replace" -> replace(s, str(arg(args, 0)), str(arg(args, 1)), intArg(args, 2, -1));
      case "find" -> (long) s.indexOf(str(arg(args, 0)));
      case "rfind" -> (long) s.lastIndexOf(str(arg(args, 0)));
      case "count" -> count(s, str(arg(args, 0)));
      case "join" -> join(s, arg(args, 0));
      case "splitlines" -> splitlines(s);
      case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
      case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
      case "isspace" -> !s.isEmpty() && s.chars().allMatch(PythonStringMethods::isSpace);
      default -> UNRESOLVED;
    };
  }

  private static Object dict(Map<?, ?> m, String name, Object[] args) {
    return switch (name) {
      case "items" -> new ArrayList<>(m.entrySet());
      case "keys" -> new ArrayList<>(m.keySet());
      case "values" -> new ArrayList<>(m.values());
      case "get" -> m.containsKey(arg(args, 0)) ? m.get(arg(args, 0)) : arg(args, 1);
      default -> UNRESOLVED;
    };
  }

  /** Python's whitespace ({@code str.isspace}). */
  static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
  }

  static List<String> split(String s, String sep, int maxsplit) {
    List<String> out = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      int n = s.length();
      while (true) {
        while (i < n && isSpace(s.charAt(i))) {
          i++;
        }
        if (i >= n) {
          return out;
        }
        if (maxsplit >= 0 && out.size() == maxsplit) {
          out.add(rstrip(s.substring(i), null));
          return out;
        }
        int j = i;
        while (j < n && !isSpace(s.charAt(j))) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      }
    }
    requireSeparator(sep);
    int from = 0;
    while (maxsplit < 0 || out.size() < maxsplit) {
      int at = s.indexOf(sep, from);
      if (at < 0) {
        break;
      }
      out.add(s.substring(from, at));
      from = at + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  static List<String> rsplit(String s, String sep, int maxsplit) {
    if (maxsplit < 0) {
      return split(s, sep, -1);
    }
    List<String> out = new ArrayList<>();
    if (sep == null) {
      int j = s.length();
      while (true) {
        while (j > 0 && isSpace(s.charAt(j - 1))) {
          j--;
        }
        if (j <= 0) {
          break;
        }
        if (out.size() == maxsplit) {
          out.add(lstrip(s.substring(0, j), null));
          break;
        }
        int i = j;
        while (i > 0 && !isSpace(s.charAt(i - 1))) {
          i--;
        }
        out.add(s.substring(i, j));
        j = i;
      }
    } else {
      requireSeparator(sep);
      int end = s.length();
      while (out.size() < maxsplit) {
        int at = s.lastIndexOf(sep, end - sep.length());
        if (at < 0) {
          break;
        }
        out.add(s.substring(at + sep.length(), end));
        end = at;
      }
      out.add(s.substring(0, end));
    }
    Collections.reverse(out);
    return out;
  }

  static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length() && strips(s.charAt(i), chars)) {
      i++;
    }
    return s.substring(i);
  }

  static String rstrip(String s, String chars) {
    int j = s.length();
    while (j > 0 && strips(s.charAt(j - 1), chars)) {
      j--;
    }
    return s.substring(0, j);
  }

  private static boolean strips(char c, String chars) {
    return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
  }

  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
      previousCased = Character.isLetter(c);
    }
    return out.toString();
  }

  private static String replace(String s, String old, String replacement, int count) {
    if (count < 0) {
      return s.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int done = 0; done < count; done++) {
      int at = old.isEmpty() ? (from <= s.length() ? from : -1) : s.indexOf(old, from);
      if (at < 0) {
        break;
      }
      out.append(s, from, at).append(replacement);
      if (old.isEmpty()) {
        if (at < s.length()) {
          out.append(s.charAt(at));
        }
        from = at + 1;
      } else {
        from = at + old.length();
      }
    }
    if (from < s.length()) {
      out.append(s, from, s.length());
    }
    return out.toString();
  }

  private static long count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.length() + 1L;
    }
    long n = 0;
    for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }

  private static String join(String sep, Object items) {
    List<String> parts = new ArrayList<>();
    if (items instanceof Iterable<?> it) {
      it.forEach(x -> parts.add(String.valueOf(x)));
    } else if (items instanceof Object[] arr) {
      for (Object x : arr) {
        parts.add(String.valueOf(x));
      }
    } else if (items instanceof CharSequence cs) {
      cs.chars().forEach(c -> parts.add(String.valueOf((char) c)));
    } else {
      throw new IllegalArgumentException("str.join needs a sequence, got " + items);
    }
    return String.join(sep, parts);
  }

  static List<String> splitlines(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029".indexOf(c) >= 0) {
        out.add(s.substring(start, i));
        if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }

  private static String slice(String s, Object[] args, int at) {
    int n = s.length();
    int start = args.length > at && args[at] != null ? index(((Number) args[at]).intValue(), n) : 0;
    int end = args.length > at + 1 && args[at + 1] != null ? index(((Number) args[at + 1]).intValue(), n) : n;
    return start >= end ? "" : s.substring(start, end);
  }

  private static int index(int i, int n) {
    return i < 0 ? Math.max(0, n + i) : Math.min(i, n);
  }

  private static boolean anyOf(Object[] args, int at, java.util.function.Predicate<String> test) {
    Object p = arg(args, at);
    if (p instanceof Collection<?> c) {
      return c.stream().anyMatch(x -> test.test(String.valueOf(x)));
    }
    if (p instanceof Object[] arr) {
      for (Object x : arr) {
        if (test.test(String.valueOf(x))) {
          return true;
        }
      }
      return false;
    }
    if (p == null) {
      throw new IllegalArgumentException("startswith/endswith need a prefix");
    }
    return test.test(p.toString());
  }

  private static void requireSeparator(String sep) {
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
  }

  private static Object arg(Object[] args, int i) {
    return i < args.length ? args[i] : null;
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static int intArg(Object[] args, int i, int otherwise) {
    Object o = arg(args, i);
    return o == null ? otherwise : ((Number) o).intValue();
  }

  /** {@code s[i]} on a string, negative {@code i} from the end as in Python; other properties are Jinjava's. */
  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    // Jinjava passes the index as a string ("-1")
    if (base instanceof CharSequence s && property != null && INDEX.matcher(property.toString()).matches()) {
      int n = Integer.parseInt(property.toString());
      int i = n < 0 ? s.length() + n : n;
      if (i < 0 || i >= s.length()) {
        throw new IndexOutOfBoundsException("string index out of range: " + n + " of '" + s + "'");
      }
      context.setPropertyResolved(true);
      return String.valueOf(s.charAt(i));
    }
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    // not ours
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return false;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
