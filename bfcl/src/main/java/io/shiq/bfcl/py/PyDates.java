package io.shiq.bfcl.py;

import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Python's datetime text forms. */
public final class PyDates {
  /** Python's {@code \d} for str patterns: a decimal digit of any script (Java's {@code \d} is ASCII only). */
  private static final String DIGIT = PyStr.decimalClass();

  /**
   * The regexes CPython 3.11's _strptime builds (TimeRE) for the formats the backends parse: %Y four digits, %m
   * {@code 1[0-2]|0[1-9]|[1-9]}, %d {@code 3[01]|[12]\d|0[1-9]|[1-9]| [1-9]}, a blank in the format {@code \s+} (the
   * str.isspace characters, which include U+001C..U+001F, unlike Java's {@code \s}), %H, %M and %S likewise. The
   * alternatives are tried in order, as Python's re tries them.
   */
  private static final String DATE_RE = "(?<Y>" + DIGIT + "{4})-(?<m>1[0-2]|0[1-9]|[1-9])-(?<d>3[0-1]|[1-2]" + DIGIT
      + "|0[1-9]|[1-9]| [1-9])";

  private static final Map<String, Pattern> FORMATS = Map.of(
      "%Y-%m-%d", Pattern.compile(DATE_RE),
      "%Y-%m-%d %H:%M:%S", Pattern.compile(DATE_RE + PyStr.spaceClass() + "+(?<H>2[0-3]|[0-1]" + DIGIT + "|" + DIGIT
          + "):(?<M>[0-5]" + DIGIT + "|" + DIGIT + "):(?<S>6[0-1]|[0-5]" + DIGIT + "|" + DIGIT + ")"));

  private PyDates() {}

  /** {@code datetime.isoformat(sep)}: seconds always, microseconds only when non-zero. */
  public static String isoFormat(LocalDateTime t, char sep) {
    String s = String.format("%04d-%02d-%02d%c%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
        sep, t.getHour(), t.getMinute(), t.getSecond());
    int micros = t.getNano() / 1000;
    return micros == 0 ? s : s + String.format(".%06d", micros);
  }

  /**
   * {@code datetime.strptime(data, format)} for "%Y-%m-%d" and "%Y-%m-%d %H:%M:%S", with _strptime's errors: a
   * TypeError for data that is not a str, a ValueError when the text does not match, has text left over, or names
   * no real day or second.
   */
  public static LocalDateTime strptime(Object data, String format) {
    Pattern pattern = FORMATS.get(format);
    if (pattern == null) {
      throw new IllegalArgumentException("strptime format " + format + " is not ported");
    }
    if (!(data instanceof String s)) {
      // The argument check of the C function: None by name, other values by type.
      throw PyException.typeError("strptime() argument 1 must be str, not "
          + (data == null ? "None" : PyTypes.name(data)));
    }
    Matcher m = pattern.matcher(s);
    if (!m.lookingAt()) {
      throw PyException.valueError("time data " + PyRepr.repr(s) + " does not match format " + PyRepr.repr(format));
    }
    if (m.end() != s.length()) {
      throw PyException.valueError("unconverted data remains: " + s.substring(m.end()));
    }
    boolean withTime = format.contains("%H");
    int year = digits(m.group("Y"));
    int month = digits(m.group("m"));
    int day = digits(m.group("d"));
    int hour = withTime ? digits(m.group("H")) : 0;
    int minute = withTime ? digits(m.group("M")) : 0;
    int second = withTime ? digits(m.group("S")) : 0;
    // _strptime computes datetime_date(year, month, day) first, then the datetime constructor checks the time.
    if (year < 1) {
      throw PyException.valueError("year " + year + " is out of range");
    }
    if (day > YearMonth.of(year, month).lengthOfMonth()) {
      throw PyException.valueError("day is out of range for month");
    }
    if (second > 59) {
      throw PyException.valueError("second must be in 0..59");
    }
    return LocalDateTime.of(year, month, day, hour, minute, second);
  }

  /** {@code int()} of a matched group: decimal digits of any script, possibly after one blank (%d's " [1-9]"). */
  private static int digits(String group) {
    int value = 0;
    for (int i = 0; i < group.length(); ) {
      int c = group.codePointAt(i);
      i += Character.charCount(c);
      if (c != ' ') {
        value = value * 10 + PyStr.decimalValue(c);
      }
    }
    return value;
  }
}
