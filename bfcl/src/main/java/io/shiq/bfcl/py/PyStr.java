package io.shiq.bfcl.py;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * Python's str methods and character classes as the ported backends use them, with CPython 3.11's character data
 * (Unicode 14.0). The tables are Python's own rather than Java's {@link Character} classes: Java 17 knows Unicode 13
 * only (no Tangsa digits), and its notions of white space differ from {@code str.isspace}.
 */
public final class PyStr {
  /** The code point ranges (first, last) for which {@code str.isspace()} holds. */
  private static final int[] SPACE_RANGES = {0x9, 0xd, 0x1c, 0x20, 0x85, 0x85, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000,
      0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000};

  /** The zero of every run of ten decimal digits (category Nd, {@code str.isdecimal()}). */
  private static final int[] DECIMAL_ZEROS = {0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6,
      0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
      0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0,
      0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0,
      0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6,
      0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0};

  /**
   * The ranges (first, last) for which {@code str.isdigit()} holds but {@code str.isdecimal()} does not
   * (Numeric_Type=Digit: superscripts, circled digits and the like), which {@code int()} refuses.
   */
  private static final int[] DIGIT_ONLY_RANGES = {0xb2, 0xb3, 0xb9, 0xb9, 0x1369, 0x1371, 0x19da, 0x19da, 0x2070,
      0x2070, 0x2074, 0x2079, 0x2080, 0x2089, 0x2460, 0x2468, 0x2474, 0x247c, 0x2488, 0x2490, 0x24ea, 0x24ea, 0x24f5,
      0x24fd, 0x24ff, 0x24ff, 0x2776, 0x277e, 0x2780, 0x2788, 0x278a, 0x2792, 0x10a40, 0x10a43, 0x10e60, 0x10e68,
      0x11052, 0x1105a, 0x1f100, 0x1f10a};

  private PyStr() {}

  private static boolean inRanges(int[] ranges, int c) {
    for (int i = 0; i < ranges.length; i += 2) {
      if (c >= ranges[i] && c <= ranges[i + 1]) {
        return true;
      }
    }
    return false;
  }

  /** {@code str.isspace()} of one code point (every one of them lies in the BMP). */
  public static boolean isSpace(int c) {
    return inRanges(SPACE_RANGES, c);
  }

  /** The value of a decimal digit of any script (what {@code int()} reads and the regex {@code \d} matches), or -1. */
  public static int decimalValue(int c) {
    for (int zero : DECIMAL_ZEROS) {
      if (c >= zero && c < zero + 10) {
        return c - zero;
      }
    }
    return -1;
  }

  /** {@code str.isdigit()} of one code point: a decimal digit or another Numeric_Type=Digit character. */
  public static boolean isDigit(int c) {
    return decimalValue(c) >= 0 || inRanges(DIGIT_ONLY_RANGES, c);
  }

  /** {@code s.isdigit()}: not empty, and every character a digit. */
  public static boolean isDigit(String s) {
    return !s.isEmpty() && s.codePoints().allMatch(PyStr::isDigit);
  }

  /** A Java regex character class of Python's {@code \d} for str patterns (the decimal digits of every script). */
  static String decimalClass() {
    StringBuilder out = new StringBuilder("[");
    for (int zero : DECIMAL_ZEROS) {
      out.append(String.format("\\x{%x}-\\x{%x}", zero, zero + 9));
    }
    return out.append(']').toString();
  }

  /** A Java regex character class of Python's {@code \s} for str patterns (the {@code str.isspace()} characters). */
  static String spaceClass() {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < SPACE_RANGES.length; i += 2) {
      out.append(String.format("\\x{%x}-\\x{%x}", SPACE_RANGES[i], SPACE_RANGES[i + 1]));
    }
    return out.append(']').toString();
  }

  /**
   * The receiver of a str method: {@code v} itself when it is a str, else the AttributeError Python raises for
   * {@code v.method}.
   */
  public static String receiver(Object v, String method) {
    if (v instanceof String s) {
      return s;
    }
    throw PyException.noAttribute(v, method);
  }

  /** {@code v.lower()}. */
  public static String lower(Object v) {
    return receiver(v, "lower").toLowerCase(Locale.ROOT);
  }

  /** {@code s.strip()}: white space ({@code str.isspace()}) off both ends. */
  public static String strip(String s) {
    return strip(s, PyStr::isSpace);
  }

  /** {@code s} without the characters that {@code strip} takes off both ends. */
  static String strip(String s, IntPredicate strip) {
    int i = 0;
    int j = s.length();
    while (i < j && strip.test(s.charAt(i))) {
      i++;
    }
    while (j > i && strip.test(s.charAt(j - 1))) {
      j--;
    }
    return s.substring(i, j);
  }

  /** {@code s.lstrip(c)} for one character. */
  public static String lstrip(String s, char c) {
    int start = 0;
    while (start < s.length() && s.charAt(start) == c) {
      start++;
    }
    return s.substring(start);
  }

  /** {@code s.rstrip(c)} for one character. */
  public static String rstrip(String s, char c) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == c) {
      end--;
    }
    return s.substring(0, end);
  }

  /** {@code s.split()} without arguments: runs of white space separate, none at the ends. */
  public static List<String> split(String s) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      while (i < s.length() && isSpace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < s.length() && !isSpace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        words.add(s.substring(start, i));
      }
    }
    return words;
  }

  /** {@code s.split(sep)} with a one-character separator: every piece, empty ones included. */
  public static List<String> split(String s, char sep) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == sep) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }

  /** {@code s.splitlines()}: Python's line boundaries, "\r\n" as one, no empty last line. */
  public static List<String> splitlines(String s) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (isLineBoundary(c)) {
        lines.add(s.substring(start, i));
        i += c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1;
        start = i;
      } else {
        i++;
      }
    }
    if (start < s.length()) {
      lines.add(s.substring(start));
    }
    return lines;
  }

  private static boolean isLineBoundary(char c) {
    return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x85
        || c == 0x2028 || c == 0x2029;
  }

  /** {@code sep.join(items)}: every item must be a str (TypeError naming the first that is not). */
  public static String join(String sep, List<?> items) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof String s)) {
        throw PyException.typeError("sequence item " + i + ": expected str instance, " + PyTypes.name(items.get(i))
            + " found");
      }
      if (i > 0) {
        out.append(sep);
      }
      out.append(s);
    }
    return out.toString();
  }

  /** {@code s.zfill(width)}: zeros after a leading sign, up to the width. */
  public static String zfill(String s, int width) {
    if (s.length() >= width) {
      return s;
    }
    String zeros = "0".repeat(width - s.length());
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      return s.charAt(0) + zeros + s.substring(1);
    }
    return zeros + s;
  }

  /**
   * {@code s.encode()} (UTF-8, strict): Java would write "?" for a lone surrogate where Python raises
   * UnicodeEncodeError, naming the code point index.
   */
  public static byte[] encodeUtf8(String s) {
    int position = 0;
    for (int i = 0; i < s.length(); position++) {
      int c = s.codePointAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        throw new PyException("UnicodeEncodeError", "'utf-8' codec can't encode character '\\u"
            + Integer.toHexString(c) + "' in position " + position + ": surrogates not allowed");
      }
      i += Character.charCount(c);
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
