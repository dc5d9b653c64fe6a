package io.shiq.ab.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text helpers of the report: XML/HTML escaping, numbers, p-values and UTC ISO-8601 times. */
final class Fmt {
  /** Magnitudes at or beyond this stand for an unbounded value (the evaluator writes +-Double.MAX_VALUE). */
  static final double UNBOUNDED = 1e300;
  static final String NA = "n/a";

  private Fmt() {}

  /** Escapes text for HTML and SVG content and attribute values (the output stays well-formed XML). */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          // Control characters other than tab, LF and CR are not allowed in XML 1.0: drop them.
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** A value rounded to 4 significant digits; "n/a" for NaN, signed infinity for unbounded values. */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return NA;
    }
    if (v >= UNBOUNDED) {
      return "+\u221e";
    }
    if (v <= -UNBOUNDED) {
      return "\u2212\u221e";
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e6 || a < 1e-4) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  /** A value with an explicit sign (effects). */
  static String signed(double v) {
    String s = num(v);
    return Double.isFinite(v) && v > 0 && v < UNBOUNDED ? "+" + s : s;
  }

  /** A p-value: 3 significant digits, scientific below 1e-4. */
  static String p(double v) {
    if (Double.isNaN(v)) {
      return NA;
    }
    if (v <= 0) {
      return "0";
    }
    if (v < 1e-4) {
      return String.format(Locale.ROOT, "%.2e", v);
    }
    return new BigDecimal(Math.min(v, 1.0)).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  /** A share in [0, 1] as a percentage with one decimal. */
  static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : NA;
  }

  static String interval(double lo, double hi) {
    if (Double.isNaN(lo) && Double.isNaN(hi)) {
      return NA;
    }
    return "[" + num(lo) + ", " + num(hi) + "]";
  }

  /** UTC ISO-8601 ("2025-01-02T03:04:05Z"); an em dash for null. */
  static String time(Instant t) {
    return t == null ? "\u2014" : DateTimeFormatter.ISO_INSTANT.format(t);
  }

  static String time(long epochMs) {
    return time(Instant.ofEpochMilli(epochMs));
  }

  /** SVG coordinate: one decimal, dot separator. */
  static String xy(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static double orNaN(Double v) {
    return v == null ? Double.NaN : v;
  }

  static boolean inside(double v, double lo, double hi) {
    return !Double.isNaN(v) && !Double.isNaN(lo) && !Double.isNaN(hi) && v >= lo && v <= hi;
  }
}
