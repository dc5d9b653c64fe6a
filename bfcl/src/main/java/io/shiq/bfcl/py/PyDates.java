package io.shiq.bfcl.py;

import java.time.LocalDateTime;

/** Python's datetime text forms. */
public final class PyDates {
  private PyDates() {}

  /** {@code datetime.isoformat(sep)}: seconds always, microseconds only when non-zero. */
  public static String isoFormat(LocalDateTime t, char sep) {
    String s = String.format("%04d-%02d-%02d%c%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
        sep, t.getHour(), t.getMinute(), t.getSecond());
    int micros = t.getNano() / 1000;
    return micros == 0 ? s : s + String.format(".%06d", micros);
  }
}
