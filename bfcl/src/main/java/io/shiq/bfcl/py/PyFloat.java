package io.shiq.bfcl.py;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr(float)} (also what {@code str()} and {@code json.dumps} print): the shortest decimal that reads
 * back as the same double (David Gay's mode 0, as CPython's {@code float_repr_style = 'short'}), in fixed notation
 * for decimal exponents -4 to 15 and scientific notation otherwise ({@code 1e-05}, {@code 1e+16}). Java 17's
 * {@code Double.toString} is not always the shortest (JDK-4511638) and formats differently, hence this.
 */
public final class PyFloat {
  private PyFloat() {}

  /**
   * {@code format(v, f".{precision}f")} of an int or float: the exact binary value rounded half to even, as CPython's
   * dtoa rounds it (so 2.675 gives "2.67"), "-" kept for a negative value that rounds to zero, nan and inf as Python
   * spells them; the ValueError or TypeError Python raises for other types.
   */
  public static String formatFixed(Object v, int precision) {
    if (!PyNumbers.isIntOrFloat(v)) {
      if (v instanceof String) {
        throw PyException.valueError("Unknown format code 'f' for object of type 'str'");
      }
      throw PyException.typeError("unsupported format string passed to " + PyTypes.name(v) + ".__format__");
    }
    double d = PyNumbers.toDouble(v);
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    String text = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    boolean negative = d < 0 || (d == 0 && 1 / d < 0);
    return negative && !text.startsWith("-") ? "-" + text : text;
  }

  public static String repr(double x) {
    if (Double.isNaN(x)) {
      return "nan";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "inf" : "-inf";
    }
    if (x == 0) {
      return (1 / x < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(x);
    BigDecimal shortest = null;
    for (int digits = 1; digits <= 17; digits++) {
      BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (Double.parseDouble(rounded.toString()) == x) {
        shortest = rounded;
        break;
      }
    }
    if (shortest == null) {
      shortest = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }
    boolean negative = shortest.signum() < 0;
    String digits = shortest.abs().unscaledValue().toString().replaceAll("0+$", "");
    if (digits.isEmpty()) {
      digits = "0";
    }
    // value = 0.d1d2...dn * 10^pointPos, i.e. the decimal point sits after pointPos digits.
    int pointPos = shortest.abs().precision() - shortest.abs().scale();
    int exp10 = pointPos - 1;
    StringBuilder out = new StringBuilder(negative ? "-" : "");
    if (exp10 < -4 || exp10 >= 16) {
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.').append(digits, 1, digits.length());
      }
      out.append('e').append(exp10 < 0 ? '-' : '+');
      String e = Integer.toString(Math.abs(exp10));
      out.append(e.length() < 2 ? "0" + e : e);
    } else if (pointPos <= 0) {
      out.append("0.").append("0".repeat(-pointPos)).append(digits);
    } else if (pointPos >= digits.length()) {
      out.append(digits).append("0".repeat(pointPos - digits.length())).append(".0");
    } else {
      out.append(digits, 0, pointPos).append('.').append(digits, pointPos, digits.length());
    }
    return out.toString();
  }
}
