package io.shiq.bfcl.py;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Python's ints and floats: the built-ins {@code int()} and {@code float()} (of str too, by CPython 3.11's rules),
 * the conversions Python's arithmetic makes, and correctly rounded int-to-float results. A Python int is a Long, or a
 * BigInteger past 64 bits (Integer and Short are read as ints too, and a bool is an int, as in Python); a float is a
 * Double.
 */
public final class PyNumbers {
  /** CPython 3.11's default {@code sys.get_int_max_str_digits()}: the most digits int and str convert between. */
  public static final int MAX_STR_DIGITS = 4300;

  /** What CPython's float parser accepts once underscores are gone and white space is stripped (no hex, no "1d"). */
  private static final Pattern FLOAT_TEXT =
      Pattern.compile("[+-]?(?:(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))");

  /** The smallest int with more than {@link #MAX_STR_DIGITS} digits: 10**4300. */
  private static final BigInteger TOO_MANY_DIGITS = BigInteger.TEN.pow(MAX_STR_DIGITS);

  private PyNumbers() {}

  /**
   * {@code str(i)} (also {@code repr} and json.dumps) of an int other than a bool: CPython 3.11 refuses to write one
   * of more than {@link #MAX_STR_DIGITS} digits, with a ValueError.
   */
  public static String intText(Object intLike) {
    if (intLike instanceof BigInteger i && i.bitLength() >= TOO_MANY_DIGITS.bitLength()
        && i.abs().compareTo(TOO_MANY_DIGITS) >= 0) {
      throw PyException.valueError("Exceeds the limit (" + MAX_STR_DIGITS + " digits) for integer string conversion; "
          + "use sys.set_int_max_str_digits() to increase the limit");
    }
    return intLike.toString();
  }

  /** {@code isinstance(v, (int, float))}: bools count. */
  public static boolean isIntOrFloat(Object v) {
    return PyTypes.isInt(v) || isFloat(v);
  }

  static boolean isFloat(Object v) {
    return v instanceof Double || v instanceof Float;
  }

  /** The value of a Python int (a bool is 0 or 1). */
  public static BigInteger toBigInteger(Object intLike) {
    if (intLike instanceof Boolean b) {
      return b ? BigInteger.ONE : BigInteger.ZERO;
    }
    if (intLike instanceof BigInteger i) {
      return i;
    }
    return BigInteger.valueOf(((Number) intLike).longValue());
  }

  /** A Python int as the ports hold one: a Long where it fits, else the BigInteger. */
  public static Object intValue(BigInteger i) {
    return i.bitLength() < 64 ? (Object) i.longValue() : i;
  }

  /**
   * An int or float operand as float arithmetic converts it: exact or correctly rounded (Java's long and BigInteger
   * conversions round half to even, as PyLong_AsDouble does), OverflowError past the float range.
   */
  public static double toDouble(Object intOrFloat) {
    if (isFloat(intOrFloat)) {
      return ((Number) intOrFloat).doubleValue();
    }
    if (intOrFloat instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (intOrFloat instanceof BigInteger i) {
      double d = i.doubleValue();
      if (Double.isInfinite(d)) {
        throw PyException.overflowError("int too large to convert to float");
      }
      return d;
    }
    return ((Number) intOrFloat).longValue();
  }

  /** {@code float(v)} of an int, float or str. */
  public static double toFloat(Object v) {
    if (isIntOrFloat(v)) {
      return toDouble(v);
    }
    if (v instanceof String s) {
      return parseFloat(s);
    }
    throw PyException.typeError("float() argument must be a string or a real number, not '" + PyTypes.name(v) + "'");
  }

  /**
   * {@code float(s)}: CPython's {@code _PyUnicode_TransformDecimalAndSpaceToASCII} first (white space to blanks,
   * decimal digits of any script to ASCII ones, ASCII kept, anything else ends the text), underscores only between
   * digits, ASCII white space off the ends, then a decimal literal or inf/infinity/nan in any case; otherwise
   * ValueError with the repr of the text.
   */
  public static double parseFloat(String s) {
    String t = withoutUnderscores(toAscii(s));
    if (t != null) {
      t = PyStr.strip(t, PyNumbers::isAsciiSpace);
    }
    if (t == null || !FLOAT_TEXT.matcher(t).matches()) {
      throw cannotConvert(s);
    }
    String body = t.toLowerCase(Locale.ROOT);
    boolean negative = body.startsWith("-");
    if (body.startsWith("-") || body.startsWith("+")) {
      body = body.substring(1);
    }
    if (body.equals("nan")) {
      return Double.NaN;
    }
    if (body.equals("inf") || body.equals("infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return Double.parseDouble(t); // correctly rounded, as CPython's dtoa
  }

  private static PyException cannotConvert(String s) {
    return PyException.valueError("could not convert string to float: " + PyRepr.repr(s));
  }

  /** {@code int(v)} of an int, float (truncated toward zero) or str (base 10). */
  public static BigInteger toInt(Object v) {
    if (PyTypes.isInt(v)) {
      return toBigInteger(v);
    }
    if (isFloat(v)) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d)) {
        throw PyException.valueError("cannot convert float NaN to integer");
      }
      if (Double.isInfinite(d)) {
        throw PyException.overflowError("cannot convert float infinity to integer");
      }
      return new BigDecimal(d).toBigInteger();
    }
    if (v instanceof String s) {
      return parseInt(s);
    }
    throw PyException.typeError("int() argument must be a string, a bytes-like object or a real number, not '"
        + PyTypes.name(v) + "'");
  }

  /**
   * {@code int(s)} in base 10, as CPython 3.11 reads it: the text transformed as for {@link #parseFloat}, ASCII white
   * space around, an optional sign, digits with single underscores between them. The ValueError for more than
   * {@link #MAX_STR_DIGITS} digits comes before the check of what follows the digits, as in CPython, and the one for
   * an invalid literal shows at most 200 characters of its repr ({@code %.200R}).
   */
  public static BigInteger parseInt(String s) {
    String t = toAscii(s);
    int i = 0;
    int end = t.length();
    while (i < end && isAsciiSpace(t.charAt(i))) {
      i++;
    }
    boolean negative = i < end && t.charAt(i) == '-';
    if (i < end && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
      i++;
    }
    StringBuilder digits = new StringBuilder();
    while (i < end && isAsciiDigit(t.charAt(i))) {
      digits.append(t.charAt(i++));
      if (i + 1 < end && t.charAt(i) == '_' && isAsciiDigit(t.charAt(i + 1))) {
        i++;
      }
    }
    if (digits.length() == 0 || (i < end && t.charAt(i) == '_')) {
      throw invalidLiteral(s);
    }
    if (digits.length() > MAX_STR_DIGITS) {
      throw PyException.valueError("Exceeds the limit (" + MAX_STR_DIGITS + " digits) for integer string conversion: "
          + "value has " + digits.length() + " digits; use sys.set_int_max_str_digits() to increase the limit");
    }
    while (i < end && isAsciiSpace(t.charAt(i))) {
      i++;
    }
    if (i != end) {
      throw invalidLiteral(s);
    }
    BigInteger v = new BigInteger(digits.toString());
    return negative ? v.negate() : v;
  }

  private static PyException invalidLiteral(String s) {
    String repr = PyRepr.repr(s);
    return PyException.valueError("invalid literal for int() with base 10: "
        + repr.substring(0, repr.offsetByCodePoints(0, Math.min(200, repr.codePointCount(0, repr.length())))));
  }

  /**
   * CPython's {@code _PyUnicode_TransformDecimalAndSpaceToASCII}: code points below 127 as they are, white space as a
   * blank, decimal digits as ASCII digits; the first other code point becomes "?" and ends the text.
   */
  private static String toAscii(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c < 127) {
        out.append((char) c);
      } else if (PyStr.isSpace(c)) {
        out.append(' ');
      } else if (PyStr.decimalValue(c) >= 0) {
        out.append((char) ('0' + PyStr.decimalValue(c)));
      } else {
        return out.append('?').toString();
      }
    }
    return out.toString();
  }

  /**
   * CPython's {@code _Py_string_to_number_with_underscores}: underscores only between two digits, then dropped; null
   * when one is elsewhere.
   */
  private static String withoutUnderscores(String s) {
    if (s.indexOf('_') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    char prev = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_' ? !isAsciiDigit(prev) : prev == '_' && !isAsciiDigit(c)) {
        return null;
      }
      if (c != '_') {
        out.append(c);
      }
      prev = c;
    }
    return prev == '_' ? null : out.toString();
  }

  /** Py_ISSPACE: the ASCII white space that int() and float() strip (not U+001C..U+001F, which isspace() has). */
  private static boolean isAsciiSpace(int c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * {@code man * 2**exp2} (man &gt; 0), plus a little more when {@code sticky}, rounded to the nearest double (ties
   * to even), subnormals included; infinity past the range.
   */
  public static double roundToDouble(BigInteger man, long exp2, boolean sticky) {
    long bl = man.bitLength();
    long top = bl + exp2 - 1;
    if (top >= 1024) {
      return Double.POSITIVE_INFINITY;
    }
    long p = top < -1022 ? top + 1075 : 53;
    long drop = bl - p;
    BigInteger kept;
    if (drop <= 0) {
      if (sticky) {
        throw new IllegalStateException("inexact value without guard bits");
      }
      kept = man;
      drop = 0;
    } else {
      kept = drop > bl ? BigInteger.ZERO : man.shiftRight((int) drop);
      boolean half = drop - 1 < bl && man.testBit((int) (drop - 1));
      boolean lower = sticky || (drop - 1 > 0 && man.getLowestSetBit() < Math.min(drop - 1, bl));
      if (half && (lower || kept.testBit(0))) {
        kept = kept.add(BigInteger.ONE);
      }
    }
    if (kept.signum() == 0) {
      return 0.0;
    }
    long e = exp2 + drop;
    // kept has at most 54 bits: scale it exactly (Math.scalb is exact when the result is representable).
    double d = kept.doubleValue();
    return Math.scalb(d, (int) e);
  }

  /**
   * {@code num / den * 2**exp2} for positive integers, correctly rounded: CPython's int/int true division rounds the
   * exact quotient once, which a decimal detour would not always do.
   */
  public static double ratioToDouble(BigInteger num, BigInteger den, long exp2) {
    if (num.bitLength() <= 53 && den.bitLength() <= 53 && exp2 == 0) {
      return num.doubleValue() / den.doubleValue();
    }
    long s = 56 - (num.bitLength() - den.bitLength());
    BigInteger n = s > 0 ? num.shiftLeft((int) s) : num;
    BigInteger d = s < 0 ? den.shiftLeft((int) -s) : den;
    BigInteger[] qr = n.divideAndRemainder(d);
    return roundToDouble(qr[0], exp2 - s, qr[1].signum() != 0);
  }
}
