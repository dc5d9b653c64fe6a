package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyCompare;
import io.shiq.bfcl.py.PyDecimal;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyFloat;
import io.shiq.bfcl.py.PyMpf;
import io.shiq.bfcl.py.PyObject;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyTuple;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * BFCL's {@code MathAPI} ({@code func_source_code/math_api.py}): stateless arithmetic tools. Results are the values
 * Python computes: ints stay ints (of any size), floats are IEEE doubles with CPython's operations (int/int true
 * division and {@code round} correctly rounded, {@code **} through float_pow and glibc's pow, see {@link GlibcPow}),
 * {@code logarithm} returns mpmath's {@code mpf} (or {@code mpc}) at the requested decimal precision, bit for bit (see
 * {@link Mp}), and {@code square_root} returns a {@code Decimal} rounded to the requested digits.
 *
 * <p>Known differences: Python's {@code sum} is CPython 3.11's (items added one by one; 3.12 compensates float
 * sums); the cos and sin of a complex power (a negative base to a fractional exponent) are correctly rounded where
 * glibc's are off by an ulp in about 0.3% of arguments; mpmath's complex-string arguments ("2+3j") are not ported.
 */
public class MathAPI extends Backend {
  private static final Map<String, Object> TO_METERS = new LinkedHashMap<>();
  private static final Map<String, Double> CONVERSION = new LinkedHashMap<>();
  /** decimal's MAX_PREC on a 64-bit build. */
  private static final long DECIMAL_MAX_PREC = 999999999999999999L;
  /** Beyond this many bits (about 20 million digits) Python would run for hours; this port refuses. */
  private static final long MAX_BITS = 1L << 26;

  static {
    TO_METERS.put("km", 1000L);
    TO_METERS.put("m", 1L);
    TO_METERS.put("cm", 0.01);
    TO_METERS.put("mm", 0.001);
    TO_METERS.put("um", 1e-6);
    TO_METERS.put("nm", 1e-9);
    CONVERSION.put("cm_to_in", 0.393701);
    CONVERSION.put("in_to_cm", 2.54);
    CONVERSION.put("m_to_ft", 3.28084);
    CONVERSION.put("ft_to_m", 0.3048);
    CONVERSION.put("m_to_yd", 1.09361);
    CONVERSION.put("yd_to_m", 0.9144);
    CONVERSION.put("km_to_miles", 0.621371);
    CONVERSION.put("miles_to_km", 1.60934);
    CONVERSION.put("kg_to_lb", 2.20462);
    CONVERSION.put("lb_to_kg", 0.453592);
    CONVERSION.put("celsius_to_fahrenheit", 1.8);
    CONVERSION.put("fahrenheit_to_celsius", 5.0 / 9);
  }

  public MathAPI() {
    define("logarithm", a -> logarithm(a.get("value"), a.get("base"), a.get("precision")), Param.req("value"),
        Param.req("base"), Param.req("precision"));
    define("mean", a -> mean(a.get("numbers")), Param.req("numbers"));
    define("standard_deviation", a -> standardDeviation(a.get("numbers")), Param.req("numbers"));
    define("si_unit_conversion", a -> siUnitConversion(a.get("value"), a.get("unit_in"), a.get("unit_out")),
        Param.req("value"), Param.req("unit_in"), Param.req("unit_out"));
    define("imperial_si_conversion", a -> imperialSiConversion(a.get("value"), a.get("unit_in"),
        a.get("unit_out")), Param.req("value"), Param.req("unit_in"), Param.req("unit_out"));
    define("add", a -> binary(() -> Num.add(a.get("a"), a.get("b"))), Param.req("a"), Param.req("b"));
    define("subtract", a -> binary(() -> Num.sub(a.get("a"), a.get("b"))), Param.req("a"), Param.req("b"));
    define("multiply", a -> multiply(a.get("a"), a.get("b")), Param.req("a"), Param.req("b"));
    define("divide", a -> divide(a.get("a"), a.get("b")), Param.req("a"), Param.req("b"));
    define("power", a -> binary(() -> Num.pow(a.get("base"), a.get("exponent"))), Param.req("base"),
        Param.req("exponent"));
    define("square_root", a -> squareRoot(a.get("number"), a.get("precision")), Param.req("number"),
        Param.req("precision"));
    define("absolute_value", a -> absoluteValue(a.get("number")), Param.req("number"));
    define("round_number", a -> roundNumber(a.get("number"), a.get("decimal_places")), Param.req("number"),
        Param.opt("decimal_places", 0L));
    define("percentage", a -> percentage(a.get("part"), a.get("whole")), Param.req("part"), Param.req("whole"));
    define("min_value", a -> minMax(a.get("numbers"), true), Param.req("numbers"));
    define("max_value", a -> minMax(a.get("numbers"), false), Param.req("numbers"));
    define("sum_values", a -> sumValues(a.get("numbers")), Param.req("numbers"));
  }

  /** MathAPI is in BFCL's STATELESS_CLASSES: no scenario is ever loaded into it. */
  @Override
  public boolean stateful() {
    return false;
  }

  /** MathAPI has no {@code _load_scenario}; BFCL never calls one. */
  @Override
  public void loadScenario(Map<String, Object> scenario, boolean longContext) {}

  /** vars() of a MathAPI holds only {@code _api_description}: no public state. */
  @Override
  public Map<String, Object> state() {
    return new LinkedHashMap<>();
  }

  private static Map<String, Object> result(Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("result", value);
    return m;
  }

  private static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }

  private static boolean isTypeError(PyException e) {
    return e.type().equals("TypeError");
  }

  /** add, subtract and power: the operation, its TypeError answered with the same message. */
  private static Object binary(Supplier<Object> op) {
    try {
      return result(op.get());
    } catch (PyException e) {
      if (isTypeError(e)) {
        return error("Both inputs must be numbers");
      }
      throw e;
    }
  }

  private Object logarithm(Object value, Object base, Object precision) {
    try {
      // mpmath.mp.dps = precision: prec = dps_to_prec(n), dps = max(1, int(n))
      BigInteger n = Num.toInt(precision);
      double bits = Num.toDouble(Num.norm(n.add(BigInteger.ONE))) * 3.3219280948873626;
      if (Double.isInfinite(bits)) {
        throw new PyException("OverflowError", "cannot convert float infinity to integer");
      }
      long prec = Math.max(1, (long) Math.rint(bits));
      if (prec > MAX_BITS) {
        throw new IllegalStateException("mpmath precision of " + prec + " bits is beyond this port");
      }
      long dps = Math.max(1, n.longValue());
      // result = mpmath.log(value) / mpmath.log(base)
      Object lv = ln(convert(value, prec), prec);
      Object lb = ln(convert(base, prec), prec);
      Object r;
      if (lv instanceof Mp.Mpf x && lb instanceof Mp.Mpf y) {
        r = Mp.div(x, y, prec, Mp.NEAREST);
      } else if (lv instanceof Mp.Mpc z && lb instanceof Mp.Mpf y) {
        r = Mp.divMpcMpf(z, y, prec, Mp.NEAREST);
      } else if (lv instanceof Mp.Mpf x && lb instanceof Mp.Mpc w) {
        r = Mp.divMpfMpc(x, w, prec, Mp.NEAREST);
      } else {
        r = Mp.divMpc((Mp.Mpc) lv, (Mp.Mpc) lb, prec, Mp.NEAREST);
      }
      return result(r instanceof Mp.Mpf x ? Mp.value(x, dps, prec) : Mp.value((Mp.Mpc) r, dps, prec));
    } catch (PyException e) {
      // except Exception as e: return {"error": str(e)}
      return error(e.pyStr());
    }
  }

  /** mpmath's ctx.convert of an argument: ints and floats exactly, strings rounded to the working precision. */
  private static Mp.Mpf convert(Object x, long prec) {
    if (Num.isInt(x)) {
      return Mp.fromInt(Num.big(x));
    }
    if (x instanceof Double d) {
      return Mp.fromFloat(d);
    }
    if (x instanceof String s) {
      try {
        return Mp.fromStr(s, prec, Mp.NEAREST);
      } catch (PyException e) {
        if (!e.type().equals("ValueError")) {
          throw e;
        }
      }
      if (PyStrings.lower(s).contains("j")) {
        // _convert_fallback parses a complex literal; its logarithm needs mpmath's atan, not ported.
        throw new UnsupportedOperationException("mpmath complex string arguments are not ported: " + s);
      }
    }
    throw PyException.typeError("cannot create mpf from " + PyRepr.repr(x));
  }

  /** ctx.ln: mpf_log, or mpc_log when the argument is negative (ComplexResult). */
  private static Object ln(Mp.Mpf x, long prec) {
    try {
      return Mp.log(x, prec, Mp.NEAREST);
    } catch (Mp.ComplexResult e) {
      return Mp.logOfReal(x, prec, Mp.NEAREST);
    }
  }

  private Object mean(Object numbers) {
    if (!Args.truthy(numbers)) {
      return error("Cannot calculate mean of an empty list");
    }
    try {
      return result(Num.trueDiv(Num.sum(numbers), Num.len(numbers)));
    } catch (PyException e) {
      if (isTypeError(e)) {
        return error("All elements in the list must be numbers");
      }
      throw e;
    }
  }

  private Object standardDeviation(Object numbers) {
    if (!Args.truthy(numbers)) {
      return error("Cannot calculate standard deviation of an empty list");
    }
    try {
      long n = Num.len(numbers);
      Object mean = Num.trueDiv(Num.sum(numbers), n);
      Object squares = 0L;
      for (Object x : Num.iterate(numbers)) {
        Object d = Num.sub(x, mean);
        squares = Num.add(squares, Num.pow(d, 2L));
      }
      Object variance = Num.trueDiv(squares, n);
      // math.sqrt: variance is a float here (a true division); sqrt is correctly rounded in C and Java alike.
      double v = Num.toDouble(variance);
      if (v < 0) {
        throw PyException.valueError("math domain error");
      }
      return result(Math.sqrt(v));
    } catch (PyException e) {
      if (isTypeError(e)) {
        return error("All elements in the list must be numbers");
      }
      throw e;
    }
  }

  /** {@code key in d} for a dict with str keys: hashes the key first (TypeError for a list, dict or set). */
  private static boolean inStrKeys(Map<String, ?> d, Object key) {
    if (key instanceof List || key instanceof Map || key instanceof Set) {
      throw PyException.typeError("unhashable type: '" + PyTypes.name(key) + "'");
    }
    return key instanceof String s && d.containsKey(s);
  }

  private Object siUnitConversion(Object value, Object unitIn, Object unitOut) {
    if (!Num.isNumber(value)) {
      return error("Value must be a number");
    }
    if (!inStrKeys(TO_METERS, unitIn) || !inStrKeys(TO_METERS, unitOut)) {
      return error("Conversion from '" + PyRepr.str(unitIn) + "' to '" + PyRepr.str(unitOut)
          + "' is not supported");
    }
    try {
      Object valueInMeters = Num.mul(value, TO_METERS.get((String) unitIn));
      // from_meters = {unit: 1 / factor}: floats, also for the int factors of km and m
      double fromMeters = 1.0 / Num.toDouble(TO_METERS.get((String) unitOut));
      return result(Num.mul(valueInMeters, fromMeters));
    } catch (PyException e) {
      if (e.type().equals("OverflowError")) {
        return error("Conversion resulted in a value too large to represent");
      }
      throw e;
    }
  }

  private Object imperialSiConversion(Object value, Object unitIn, Object unitOut) {
    if (!Num.isNumber(value)) {
      return error("Value must be a number");
    }
    if (PyEquals.equal(unitIn, unitOut)) {
      return result(value);
    }
    String key = PyRepr.str(unitIn) + "_to_" + PyRepr.str(unitOut);
    if (!CONVERSION.containsKey(key)) {
      return error("Conversion from '" + PyRepr.str(unitIn) + "' to '" + PyRepr.str(unitOut)
          + "' is not supported");
    }
    try {
      double factor = CONVERSION.get(key);
      Object r;
      if ("celsius".equals(unitIn) && "fahrenheit".equals(unitOut)) {
        r = Num.add(Num.mul(value, factor), 32L);
      } else if ("fahrenheit".equals(unitIn) && "celsius".equals(unitOut)) {
        r = Num.mul(Num.sub(value, 32L), factor);
      } else {
        r = Num.mul(value, factor);
      }
      return result(r);
    } catch (PyException e) {
      if (e.type().equals("OverflowError")) {
        return error("Conversion resulted in a value too large to represent");
      }
      throw e;
    }
  }

  private Object multiply(Object a, Object b) {
    if (!Num.isNumber(a) || !Num.isNumber(b)) {
      return error("Both inputs must be numbers");
    }
    return binary(() -> Num.mul(a, b));
  }

  private Object divide(Object a, Object b) {
    if (Num.isZero(b)) {
      return error("Cannot divide by zero");
    }
    return binary(() -> Num.trueDiv(a, b));
  }

  private Object squareRoot(Object number, Object precision) {
    try {
      if (Num.lessThan(number, 0L)) {
        return error("Cannot calculate square root of a negative number");
      }
      // getcontext().prec = precision: an int (TypeError otherwise), 1 to MAX_PREC
      if (!Num.isInt(precision)) {
        throw PyException.typeError("'" + PyTypes.name(precision) + "' object cannot be interpreted as an integer");
      }
      BigInteger p = Num.big(precision);
      if (p.bitLength() > 63) {
        throw new PyException("OverflowError", "Python int too large to convert to C ssize_t");
      }
      if (p.signum() <= 0 || p.longValue() > DECIMAL_MAX_PREC) {
        throw PyException.valueError("valid range for prec is [1, MAX_PREC]");
      }
      if (p.longValue() > MAX_BITS) {
        throw new PyException("MemoryError", "");
      }
      return result(decimalSqrt(number, p.longValue()));
    } catch (PyException e) {
      if (isTypeError(e)) {
        return error("Input must be a number or computation resulted in an invalid operation");
      }
      throw e;
    }
  }

  private Object absoluteValue(Object number) {
    try {
      return result(Num.abs(number));
    } catch (PyException e) {
      if (isTypeError(e)) {
        return error("Input must be a number");
      }
      throw e;
    }
  }

  private Object roundNumber(Object number, Object decimalPlaces) {
    try {
      return result(Num.round(number, decimalPlaces));
    } catch (PyException e) {
      if (isTypeError(e)) {
        return error("First input must be a number, second input must be an integer");
      }
      throw e;
    }
  }

  private Object percentage(Object part, Object whole) {
    if (Num.isZero(whole)) {
      return error("Whole value cannot be zero");
    }
    return binary(() -> Num.mul(Num.trueDiv(part, whole), 100L));
  }

  private Object minMax(Object numbers, boolean min) {
    if (!Args.truthy(numbers)) {
      return error(min ? "Cannot find minimum of an empty list" : "Cannot find maximum of an empty list");
    }
    try {
      List<Object> items = Num.iterate(numbers);
      if (items.isEmpty()) {
        throw PyException.valueError((min ? "min" : "max") + "() arg is an empty sequence");
      }
      Object best = items.get(0);
      for (Object x : items.subList(1, items.size())) {
        // min keeps the first of equals (x < best); max likewise (x > best)
        if (min ? Num.lessThan(x, best) : Num.lessThan(best, x)) {
          best = x;
        }
      }
      return result(best);
    } catch (PyException e) {
      if (isTypeError(e)) {
        return error("All elements in the list must be numbers");
      }
      throw e;
    }
  }

  private Object sumValues(Object numbers) {
    if (!Args.truthy(numbers)) {
      return error("Cannot calculate sum of an empty list");
    }
    try {
      return result(Num.sum(numbers));
    } catch (PyException e) {
      if (isTypeError(e)) {
        return error("All elements in the list must be numbers");
      }
      throw e;
    }
  }

  /** Python's int, float and bool arithmetic as MathAPI uses it (int results as Long, or BigInteger past 64 bits). */
  static final class Num {
    private Num() {}

    static boolean isInt(Object v) {
      return v instanceof Long || v instanceof Integer || v instanceof BigInteger || v instanceof Boolean
          || v instanceof Short;
    }

    static boolean isNumber(Object v) {
      return isInt(v) || v instanceof Double;
    }

    static BigInteger big(Object v) {
      if (v instanceof BigInteger b) {
        return b;
      }
      if (v instanceof Boolean b) {
        return b ? BigInteger.ONE : BigInteger.ZERO;
      }
      return BigInteger.valueOf(((Number) v).longValue());
    }

    static Object norm(BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    /** {@code float(x)} of an int: correctly rounded, OverflowError past the float range. */
    static double toDouble(Object v) {
      if (v instanceof Double d) {
        return d;
      }
      if (v instanceof Boolean b) {
        return b ? 1 : 0;
      }
      if (v instanceof BigInteger b) {
        double d = b.doubleValue(); // round-half-even, as PyLong_AsDouble
        if (Double.isInfinite(d)) {
          throw new PyException("OverflowError", "int too large to convert to float");
        }
        return d;
      }
      return ((Number) v).longValue(); // a long converts with round-half-even too
    }

    private static PyException unsupported(String op, Object a, Object b) {
      return PyException.typeError("unsupported operand type(s) for " + op + ": '" + PyTypes.name(a) + "' and '"
          + PyTypes.name(b) + "'");
    }

    static Object add(Object a, Object b) {
      if (isInt(a) && isInt(b)) {
        if (!(a instanceof BigInteger) && !(b instanceof BigInteger)) {
          long x = big(a).longValue();
          long y = big(b).longValue();
          long r = x + y;
          if (((x ^ r) & (y ^ r)) >= 0) {
            return r;
          }
        }
        return norm(big(a).add(big(b)));
      }
      if (isNumber(a) && isNumber(b)) {
        return toDouble(a) + toDouble(b);
      }
      if (a instanceof String s && b instanceof String t) {
        return s + t;
      }
      if (a instanceof PyTuple s && b instanceof PyTuple t) {
        List<Object> items = new ArrayList<>(s.items());
        items.addAll(t.items());
        return new PyTuple(items);
      }
      if (a instanceof List<?> s && b instanceof List<?> t) {
        List<Object> items = new ArrayList<>(s);
        items.addAll(t);
        return items;
      }
      if (a instanceof String || a instanceof List || a instanceof PyTuple) {
        String type = PyTypes.name(a);
        throw PyException.typeError("can only concatenate " + type + " (not \"" + PyTypes.name(b) + "\") to " + type);
      }
      throw unsupported("+", a, b);
    }

    static Object sub(Object a, Object b) {
      if (isInt(a) && isInt(b)) {
        return norm(big(a).subtract(big(b)));
      }
      if (isNumber(a) && isNumber(b)) {
        return toDouble(a) - toDouble(b);
      }
      throw unsupported("-", a, b);
    }

    static Object mul(Object a, Object b) {
      if (isInt(a) && isInt(b)) {
        return norm(big(a).multiply(big(b)));
      }
      if (isNumber(a) && isNumber(b)) {
        return toDouble(a) * toDouble(b);
      }
      throw unsupported("*", a, b);
    }

    /** {@code a / b}: int/int correctly rounded as CPython's long_true_divide. */
    static Object trueDiv(Object a, Object b) {
      if (isInt(a) && isInt(b)) {
        BigInteger x = big(a);
        BigInteger y = big(b);
        if (y.signum() == 0) {
          throw PyException.zeroDivision("division by zero");
        }
        boolean negative = (x.signum() < 0) != (y.signum() < 0);
        if (x.signum() == 0) {
          return negative ? -0.0 : 0.0;
        }
        double q = FloatMath.ratio(x.abs(), y.abs(), 0);
        if (Double.isInfinite(q)) {
          throw new PyException("OverflowError", "integer division result too large for a float");
        }
        return negative ? -q : q;
      }
      if (isNumber(a) && isNumber(b)) {
        double x = toDouble(a);
        double y = toDouble(b);
        if (y == 0) {
          throw PyException.zeroDivision("float division by zero");
        }
        return x / y;
      }
      throw unsupported("/", a, b);
    }

    /** {@code a ** b} (float results through CPython's float_pow; complex for a negative base and a fraction). */
    static Object pow(Object a, Object b) {
      if (isInt(a) && isInt(b)) {
        BigInteger x = big(a);
        BigInteger n = big(b);
        if (n.signum() >= 0) {
          if (x.abs().compareTo(BigInteger.ONE) <= 0) {
            // 0, 1 and -1 to any power, without computing it
            return norm(x.signum() == 0 ? (n.signum() == 0 ? BigInteger.ONE : BigInteger.ZERO)
                : x.signum() > 0 || !n.testBit(0) ? BigInteger.ONE : BigInteger.ONE.negate());
          }
          if (n.bitLength() > 31) {
            throw new PyException("MemoryError", "");
          }
          return norm(x.pow(n.intValue()));
        }
        return floatPow(toDouble(a), toDouble(b));
      }
      if (isNumber(a) && isNumber(b)) {
        return floatPow(toDouble(a), toDouble(b));
      }
      throw PyException.typeError("unsupported operand type(s) for ** or pow(): '" + PyTypes.name(a) + "' and '"
          + PyTypes.name(b) + "'");
    }

    /** DOUBLE_IS_ODD_INTEGER: fmod(fabs(x), 2.0) == 1.0. */
    private static boolean isOddInteger(double w) {
      return Math.abs(w) % 2.0 == 1.0;
    }

    /** CPython's float_pow (Objects/floatobject.c). */
    static Object floatPow(double iv, double iw) {
      if (iw == 0) {
        return 1.0;
      }
      if (Double.isNaN(iv)) {
        return iv;
      }
      if (Double.isNaN(iw)) {
        return iv == 1.0 ? 1.0 : iw;
      }
      if (Double.isInfinite(iw)) {
        double av = Math.abs(iv);
        if (av == 1.0) {
          return 1.0;
        } else if ((iw > 0.0) == (av > 1.0)) {
          return Math.abs(iw);
        } else {
          return 0.0;
        }
      }
      if (Double.isInfinite(iv)) {
        boolean odd = isOddInteger(iw);
        if (iw > 0.0) {
          return odd ? iv : Math.abs(iv);
        }
        return odd ? Math.copySign(0.0, iv) : 0.0;
      }
      if (iv == 0.0) {
        boolean odd = isOddInteger(iw);
        if (iw < 0.0) {
          throw PyException.zeroDivision("0.0 cannot be raised to a negative power");
        }
        return odd ? iv : 0.0;
      }
      boolean negate = false;
      if (iv < 0.0) {
        if (iw != Math.floor(iw)) {
          return complexPow(iv, iw);
        }
        iv = -iv;
        negate = isOddInteger(iw);
      }
      if (iv == 1.0) {
        return negate ? -1.0 : 1.0;
      }
      double ix = GlibcPow.pow(iv, iw);
      if (Double.isInfinite(ix)) {
        throw new PyException("OverflowError", "(34, 'Numerical result out of range')");
      }
      return negate ? -ix : ix;
    }

    /** complex_pow of (iv+0j) ** (iw+0j) for a negative iv and a non-integral iw: _Py_c_pow. */
    private static Object complexPow(double iv, double iw) {
      double vabs = Math.abs(iv);
      double len = vabs == 1.0 ? 1.0 : GlibcPow.pow(vabs, iw);
      double phase = Math.PI * iw; // atan2(0.0, negative) is pi
      double[] cs = FloatMath.cosSin(phase);
      double re = len * cs[0];
      double im = len * cs[1];
      if (Double.isInfinite(re) || Double.isInfinite(im)) {
        throw new PyException("OverflowError", "complex exponentiation");
      }
      return new PyComplex(re, im);
    }

    static Object abs(Object a) {
      if (isInt(a)) {
        return norm(big(a).abs());
      }
      if (a instanceof Double d) {
        return Math.abs(d);
      }
      throw PyException.typeError("bad operand type for abs(): '" + PyTypes.name(a) + "'");
    }

    /** {@code a == 0}. */
    static boolean isZero(Object a) {
      return isNumber(a) && (isInt(a) ? big(a).signum() == 0 : toDouble(a) == 0);
    }

    /** Python's {@code a < b} for numbers (exact across int and float; false with a NaN), else PyCompare. */
    static boolean lessThan(Object a, Object b) {
      if (isNumber(a) && isNumber(b)) {
        if (a instanceof Double x && Double.isNaN(x) || b instanceof Double y && Double.isNaN(y)) {
          return false;
        }
        return exact(a).compareTo(exact(b)) < 0;
      }
      return PyCompare.compare(a, b) < 0;
    }

    private static BigDecimal exact(Object v) {
      if (isInt(v)) {
        return new BigDecimal(big(v));
      }
      double d = (Double) v;
      if (Double.isInfinite(d)) {
        return d > 0 ? new BigDecimal("1e400") : new BigDecimal("-1e400");
      }
      return new BigDecimal(d);
    }

    /** The items {@code for x in v} yields (dict keys, str characters), or Python's TypeError. */
    static List<Object> iterate(Object v) {
      if (v instanceof List<?> l) {
        return new ArrayList<>(l);
      }
      if (v instanceof PyTuple t) {
        return t.items();
      }
      if (v instanceof Map<?, ?> m) {
        return new ArrayList<>(m.keySet());
      }
      if (v instanceof Set<?> s) {
        return new ArrayList<>(s);
      }
      if (v instanceof String s) {
        List<Object> chars = new ArrayList<>();
        s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
        return chars;
      }
      throw PyException.typeError("'" + PyTypes.name(v) + "' object is not iterable");
    }

    /** {@code sum(v)} (start 0), item by item as CPython 3.11 adds them. */
    static Object sum(Object v) {
      if (v instanceof String) {
        throw PyException.typeError("sum() can't sum strings [use ''.join(seq) instead]");
      }
      Object acc = 0L;
      for (Object x : iterate(v)) {
        acc = add(acc, x);
      }
      return acc;
    }

    static long len(Object v) {
      if (v instanceof String s) {
        return s.codePointCount(0, s.length());
      }
      if (v instanceof List<?> l) {
        return l.size();
      }
      if (v instanceof PyTuple t) {
        return t.items().size();
      }
      if (v instanceof Map<?, ?> m) {
        return m.size();
      }
      if (v instanceof Set<?> s) {
        return s.size();
      }
      throw PyException.typeError("object of type '" + PyTypes.name(v) + "' has no len()");
    }

    /** {@code round(number, ndigits)}. */
    static Object round(Object number, Object ndigits) {
      if (isInt(number)) {
        BigInteger x = big(number);
        if (ndigits == null) {
          return norm(x);
        }
        BigInteger n = index(ndigits);
        if (n.signum() >= 0) {
          return norm(x);
        }
        // int.__round__ with a negative ndigits: to the nearest multiple of 10**-n, ties to even.
        if (n.negate().compareTo(BigInteger.valueOf(x.abs().toString().length() + 1)) > 0) {
          return 0L;
        }
        BigInteger p = BigInteger.TEN.pow(n.negate().intValueExact());
        BigDecimal q = new BigDecimal(x).divide(new BigDecimal(p)).setScale(0, RoundingMode.HALF_EVEN);
        return norm(q.toBigIntegerExact().multiply(p));
      }
      if (number instanceof Double d) {
        if (ndigits == null) {
          if (Double.isNaN(d)) {
            throw PyException.valueError("cannot convert float NaN to integer");
          }
          if (Double.isInfinite(d)) {
            throw new PyException("OverflowError", "cannot convert float infinity to integer");
          }
          return norm(new BigDecimal(d).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact());
        }
        BigInteger n = index(ndigits);
        if (!Double.isFinite(d)) {
          return d;
        }
        // NDIGITS_MAX and NDIGITS_MIN of float___round___impl
        if (n.compareTo(BigInteger.valueOf(323)) > 0) {
          return d;
        }
        if (n.compareTo(BigInteger.valueOf(-308)) < 0) {
          return 0.0 * d;
        }
        // double_round: the correctly rounded decimal (ties to even), read back.
        BigDecimal r = new BigDecimal(d).setScale(n.intValue(), RoundingMode.HALF_EVEN);
        double out = r.doubleValue();
        if (Double.isInfinite(out)) {
          throw new PyException("OverflowError", "rounded value too large to represent");
        }
        return out == 0 ? Math.copySign(0.0, d) : out;
      }
      throw PyException.typeError("type " + PyTypes.name(number) + " doesn't define __round__ method");
    }

    /** operator.index: an int (a bool counts), else TypeError. */
    private static BigInteger index(Object v) {
      if (isInt(v)) {
        return big(v);
      }
      throw PyException.typeError("'" + PyTypes.name(v) + "' object cannot be interpreted as an integer");
    }

    /** {@code int(v)} for mpmath's dps setter: ints, floats (truncated), strs; TypeError otherwise. */
    static BigInteger toInt(Object v) {
      if (isInt(v)) {
        return big(v);
      }
      if (v instanceof Double d) {
        if (Double.isNaN(d)) {
          throw PyException.valueError("cannot convert float NaN to integer");
        }
        if (Double.isInfinite(d)) {
          throw new PyException("OverflowError", "cannot convert float infinity to integer");
        }
        return new BigDecimal(d).toBigInteger();
      }
      if (v instanceof String s) {
        return PyStrings.parseInt(s);
      }
      throw PyException.typeError("int() argument must be a string, a bytes-like object or a real number, not '"
          + PyTypes.name(v) + "'");
    }
  }

  /** A Python complex, as {@code repr} prints it (float_pow's result for a negative base and a fraction). */
  record PyComplex(double real, double imag) implements PyObject {
    @Override
    public String pyClassName() {
      return "complex";
    }

    @Override
    public Map<String, Object> publicAttributes() {
      return Map.of();
    }

    @Override
    public boolean pyEquals(Object other) {
      return other instanceof PyComplex c && c.real == real && c.imag == imag;
    }

    /** complex_repr: format 'r' without the ".0" a float repr adds; parentheses unless the real part is +0. */
    @Override
    public String pyRepr() {
      if (real == 0 && Math.copySign(1.0, real) == 1.0) {
        return part(imag) + "j";
      }
      String im = part(imag);
      if (!im.startsWith("-")) {
        im = "+" + im;
      }
      return "(" + part(real) + im + "j)";
    }

    private static String part(double x) {
      String s = PyFloat.repr(x);
      return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
  }

  /** A Decimal that {@link PyDecimal} cannot hold (NaN, Infinity, -0), as its repr prints it. */
  record SpecialDecimal(String text) implements PyObject {
    @Override
    public String pyClassName() {
      return "Decimal";
    }

    @Override
    public Map<String, Object> publicAttributes() {
      return Map.of();
    }

    @Override
    public String pyRepr() {
      return "Decimal('" + text + "')";
    }
  }

  /** CPython's Decimal(x).sqrt() in a context of {@code prec} digits (Lib/_pydecimal.py's algorithm, ties to even). */
  static Object decimalSqrt(Object number, long prec) {
    if (number instanceof Double d) {
      if (Double.isNaN(d)) {
        return new SpecialDecimal("NaN");
      }
      if (Double.isInfinite(d)) {
        return new SpecialDecimal("Infinity"); // only +inf gets here: number < 0 was refused before
      }
      if (d == 0 && Math.copySign(1.0, d) < 0) {
        return new SpecialDecimal("-0"); // sqrt(-0) is -0, exponent 0 // 2
      }
    }
    // Decimal(int) and Decimal(float) are exact; BigDecimal keeps the same coefficient and exponent (the smallest
    // exponent for a float, 0 for an integral one).
    BigDecimal v = Num.isInt(number) ? new BigDecimal(Num.big(number)) : new BigDecimal((Double) number);
    BigInteger coefficient = v.unscaledValue();
    long exp = -(long) v.scale();
    if (coefficient.signum() == 0) {
      return new PyDecimal(BigDecimal.valueOf(0, (int) -Math.floorDiv(exp, 2)));
    }
    long precision = prec + 1;
    long e = exp >> 1;
    int digits = coefficient.toString().length();
    BigInteger c;
    long l;
    if ((exp & 1) != 0) {
      c = coefficient.multiply(BigInteger.TEN);
      l = (digits >> 1) + 1;
    } else {
      c = coefficient;
      l = (digits + 1) >> 1;
    }
    long shift = precision - l;
    boolean exact;
    BigInteger hundred = BigInteger.valueOf(100);
    if (shift >= 0) {
      c = c.multiply(hundred.pow(Math.toIntExact(shift)));
      exact = true;
    } else {
      BigInteger[] qr = c.divideAndRemainder(hundred.pow(Math.toIntExact(-shift)));
      c = qr[0];
      exact = qr[1].signum() == 0;
    }
    e -= shift;
    BigInteger n = BigInteger.TEN.pow(Math.toIntExact(precision));
    while (true) {
      BigInteger q = c.divide(n);
      if (n.compareTo(q) <= 0) {
        break;
      }
      n = n.add(q).shiftRight(1);
    }
    exact = exact && n.multiply(n).equals(c);
    if (exact) {
      if (shift >= 0) {
        n = n.divide(BigInteger.TEN.pow(Math.toIntExact(shift)));
      } else {
        n = n.multiply(BigInteger.TEN.pow(Math.toIntExact(-shift)));
      }
      e += shift;
    } else if (n.mod(BigInteger.valueOf(5)).signum() == 0) {
      n = n.add(BigInteger.ONE);
    }
    BigDecimal ans = new BigDecimal(n, Math.toIntExact(-e));
    return new PyDecimal(ans.round(new MathContext(Math.toIntExact(prec), RoundingMode.HALF_EVEN)));
  }

  /** Python str methods and literal parsing that MathAPI's conversions use. */
  static final class PyStrings {
    private PyStrings() {}

    static boolean isSpace(int c) {
      return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    static String strip(String s) {
      int i = 0;
      int j = s.length();
      while (i < j && isSpace(s.charAt(i))) {
        i++;
      }
      while (j > i && isSpace(s.charAt(j - 1))) {
        j--;
      }
      return s.substring(i, j);
    }

    static String lower(String s) {
      return s.toLowerCase(Locale.ROOT);
    }

    static String rstrip(String s, char c) {
      int j = s.length();
      while (j > 0 && s.charAt(j - 1) == c) {
        j--;
      }
      return s.substring(0, j);
    }

    private static boolean isDigit(String s, int i) {
      return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }

    /** The end of the digit run {@code \d(_?\d)*} (single underscores between digits) at i, or -1. */
    private static int digits(String s, int i) {
      if (!isDigit(s, i)) {
        return -1;
      }
      i++;
      while (true) {
        if (isDigit(s, i)) {
          i++;
        } else if (i < s.length() && s.charAt(i) == '_' && isDigit(s, i + 1)) {
          i += 2;
        } else {
          return i;
        }
      }
    }

    private static int sign(String s, int i) {
      return i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-') ? i + 1 : i;
    }

    /** Whether float(s) accepts s: [sign] (digits [. [digits]] | . digits) [e [sign] digits], inf, infinity, nan. */
    static boolean isFloatLiteral(String s) {
      String t = strip(s);
      int i = sign(t, 0);
      String word = lower(t.substring(i));
      if (word.equals("inf") || word.equals("infinity") || word.equals("nan")) {
        return true;
      }
      int j = digits(t, i);
      if (j >= 0) {
        i = j;
        if (i < t.length() && t.charAt(i) == '.') {
          int k = digits(t, i + 1);
          i = k >= 0 ? k : i + 1;
        }
      } else if (i < t.length() && t.charAt(i) == '.') {
        i = digits(t, i + 1);
        if (i < 0) {
          return false;
        }
      } else {
        return false;
      }
      if (i < t.length() && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
        i = digits(t, sign(t, i + 1));
        if (i < 0) {
          return false;
        }
      }
      return i == t.length();
    }

    /** int(s) (base 10), or Python's ValueError (also past CPython 3.11's limit of 4300 digits). */
    static BigInteger parseInt(String s) {
      String t = strip(s);
      if (digits(t, sign(t, 0)) != t.length()) {
        throw PyException.valueError("invalid literal for int() with base 10: " + PyRepr.repr(s));
      }
      String digits = t.replace("_", "");
      long count = digits.chars().filter(Character::isDigit).count();
      if (count > 4300) {
        throw PyException.valueError("Exceeds the limit (4300 digits) for integer string conversion: value has "
            + count + " digits; use sys.set_int_max_str_digits() to increase the limit");
      }
      return new BigInteger(digits);
    }
  }

  /**
   * Correctly rounded double results from exact or high-precision values: CPython's int/int true division (exact by
   * design), and cos and sin for complex powers (correctly rounded; glibc's are within a hair of half an ulp, so they
   * agree but for rare cases).
   */
  static final class FloatMath {
    private FloatMath() {}

    private static final int WORK_BITS = 200;

    /**
     * {@code man * 2**exp2} (man &gt; 0), plus a little more when {@code sticky}, rounded to the nearest double (ties
     * to even), subnormals included; infinity past the range.
     */
    static double round(BigInteger man, long exp2, boolean sticky) {
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

    /** {@code num / den * 2**exp2} for positive integers, correctly rounded. */
    static double ratio(BigInteger num, BigInteger den, long exp2) {
      if (num.bitLength() <= 53 && den.bitLength() <= 53 && exp2 == 0) {
        return num.doubleValue() / den.doubleValue();
      }
      long s = 56 - (num.bitLength() - den.bitLength());
      BigInteger n = s > 0 ? num.shiftLeft((int) s) : num;
      BigInteger d = s < 0 ? den.shiftLeft((int) -s) : den;
      BigInteger[] qr = n.divideAndRemainder(d);
      return round(qr[0], exp2 - s, qr[1].signum() != 0);
    }

    /** The fixed-point value {@code v * 2**-bits} (v &gt; 0, approximate) rounded to a double. */
    private static double fixedToDouble(BigInteger v, long bits) {
      if (v.signum() < 0) {
        return -fixedToDouble(v.negate(), bits);
      }
      if (v.signum() == 0) {
        return 0.0;
      }
      return round(v, -bits, true);
    }

    /** cos(a) and sin(a), correctly rounded. */
    static double[] cosSin(double a) {
      if (a == 0) {
        return new double[] {1.0, a};
      }
      Mp.Mpf am = Mp.fromFloat(a);
      long mag = am.exp() + am.bc();
      long w = WORK_BITS + Math.max(0, mag) + Math.max(0, -am.exp()) + 20;
      BigInteger halfPi = Mp.piFixedUncached(w + 10).shiftRight(11);
      BigInteger x = Mp.toFixed(am, w);
      BigInteger k = Mp.floorDiv(x.shiftLeft(1).add(halfPi), halfPi.shiftLeft(1));
      BigInteger r = x.subtract(k.multiply(halfPi));
      BigInteger r2 = Mp.rshift(r.multiply(r), w);
      BigInteger one = BigInteger.ONE.shiftLeft((int) w);
      BigInteger cos = one;
      BigInteger sin = r;
      BigInteger ct = one;
      BigInteger st = r;
      for (int i = 1; ct.signum() != 0 || st.signum() != 0; i++) {
        ct = Mp.rshift(ct.multiply(r2), w).divide(BigInteger.valueOf((2L * i - 1) * (2L * i))).negate();
        st = Mp.rshift(st.multiply(r2), w).divide(BigInteger.valueOf((2L * i) * (2L * i + 1))).negate();
        cos = cos.add(ct);
        sin = sin.add(st);
      }
      double c = fixedToDouble(cos, w);
      double s = fixedToDouble(sin, w);
      return switch (k.mod(BigInteger.valueOf(4)).intValue()) {
        case 0 -> new double[] {c, s};
        case 1 -> new double[] {-s, c};
        case 2 -> new double[] {-c, -s};
        default -> new double[] {s, -c};
      };
    }
  }

  /**
   * glibc's pow (2.28 and later, from Arm's optimized-routines {@code math/pow.c}, MIT OR Apache-2.0 WITH
   * LLVM-exception, Copyright (c) 2018 Arm Limited), as x86-64 glibc runs it on a CPU with FMA ({@code __pow_fma},
   * built with GCC's default contraction of {@code a*b + c} into fused multiply-adds), so that CPython's float
   * {@code **} results come out bit for bit: the same tables, the same operations in the same order, Math.fma where
   * that build fuses. Checked against the C library of the machine that made the test data on 5 million random
   * argument pairs, with no difference. Only the finite, positive x (not 1) and finite non-zero y that float_pow
   * leaves to the C library come here.
   */
  static final class GlibcPow {
    private GlibcPow() {}

    private static final double LN2HI = 0x1.62e42fefa3800p-1;
    private static final double LN2LO = 0x1.ef35793c76730p-45;
    private static final double A0 = -0x1p-1;
    private static final double A1 = 0x1.555555555556p-2 * -2;
    private static final double A2 = -0x1.0000000000006p-2 * -2;
    private static final double A3 = 0x1.999999959554ep-3 * 4;
    private static final double A4 = -0x1.555555529a47ap-3 * 4;
    private static final double A5 = 0x1.2495b9b4845e9p-3 * -8;
    private static final double A6 = -0x1.0002b8b263fc3p-3 * -8;
    private static final long OFF = 0x3fe6955500000000L;
    private static final double INV_LN2N = 0x1.71547652b82fep0 * 128;
    private static final double NEG_LN2HI_N = -0x1.62e42fefa0000p-8;
    private static final double NEG_LN2LO_N = -0x1.cf79abc9e3b3ap-47;
    private static final double SHIFT = 0x1.8p52;
    private static final double C2 = 0x1.ffffffffffdbdp-2;
    private static final double C3 = 0x1.555555555543cp-3;
    private static final double C4 = 0x1.55555cf172b91p-5;
    private static final double C5 = 0x1.1111167a4d017p-7;
    /** pow_log_data.c tab (N = 128): invc, logc, logctail. */
    private static final double[] LOG_TAB = {
      0x1.6a00000000000p+0, -0x1.62c82f2b9c800p-2, 0x1.ab42428375680p-48,
      0x1.6800000000000p+0, -0x1.5d1bdbf580800p-2, -0x1.ca508d8e0f720p-46,
      0x1.6600000000000p+0, -0x1.5767717455800p-2, -0x1.362a4d5b6506dp-45,
      0x1.6400000000000p+0, -0x1.51aad872df800p-2, -0x1.684e49eb067d5p-49,
      0x1.6200000000000p+0, -0x1.4be5f95777800p-2, -0x1.41b6993293ee0p-47,
      0x1.6000000000000p+0, -0x1.4618bc21c6000p-2, 0x1.3d82f484c84ccp-46,
      0x1.5e00000000000p+0, -0x1.404308686a800p-2, 0x1.c42f3ed820b3ap-50,
      0x1.5c00000000000p+0, -0x1.3a64c55694800p-2, 0x1.0b1c686519460p-45,
      0x1.5a00000000000p+0, -0x1.347dd9a988000p-2, 0x1.5594dd4c58092p-45,
      0x1.5800000000000p+0, -0x1.2e8e2bae12000p-2, 0x1.67b1e99b72bd8p-45,
      0x1.5600000000000p+0, -0x1.2895a13de8800p-2, 0x1.5ca14b6cfb03fp-46,
      0x1.5600000000000p+0, -0x1.2895a13de8800p-2, 0x1.5ca14b6cfb03fp-46,
      0x1.5400000000000p+0, -0x1.22941fbcf7800p-2, -0x1.65a242853da76p-46,
      0x1.5200000000000p+0, -0x1.1c898c1699800p-2, -0x1.fafbc68e75404p-46,
      0x1.5000000000000p+0, -0x1.1675cababa800p-2, 0x1.f1fc63382a8f0p-46,
      0x1.4e00000000000p+0, -0x1.1058bf9ae4800p-2, -0x1.6a8c4fd055a66p-45,
      0x1.4c00000000000p+0, -0x1.0a324e2739000p-2, -0x1.c6bee7ef4030ep-47,
      0x1.4a00000000000p+0, -0x1.0402594b4d000p-2, -0x1.036b89ef42d7fp-48,
      0x1.4a00000000000p+0, -0x1.0402594b4d000p-2, -0x1.036b89ef42d7fp-48,
      0x1.4800000000000p+0, -0x1.fb9186d5e4000p-3, 0x1.d572aab993c87p-47,
      0x1.4600000000000p+0, -0x1.ef0adcbdc6000p-3, 0x1.b26b79c86af24p-45,
      0x1.4400000000000p+0, -0x1.e27076e2af000p-3, -0x1.72f4f543fff10p-46,
      0x1.4200000000000p+0, -0x1.d5c216b4fc000p-3, 0x1.1ba91bbca681bp-45,
      0x1.4000000000000p+0, -0x1.c8ff7c79aa000p-3, 0x1.7794f689f8434p-45,
      0x1.4000000000000p+0, -0x1.c8ff7c79aa000p-3, 0x1.7794f689f8434p-45,
      0x1.3e00000000000p+0, -0x1.bc286742d9000p-3, 0x1.94eb0318bb78fp-46,
      0x1.3c00000000000p+0, -0x1.af3c94e80c000p-3, 0x1.a4e633fcd9066p-52,
      0x1.3a00000000000p+0, -0x1.a23bc1fe2b000p-3, -0x1.58c64dc46c1eap-45,
      0x1.3a00000000000p+0, -0x1.a23bc1fe2b000p-3, -0x1.58c64dc46c1eap-45,
      0x1.3800000000000p+0, -0x1.9525a9cf45000p-3, -0x1.ad1d904c1d4e3p-45,
      0x1.3600000000000p+0, -0x1.87fa06520d000p-3, 0x1.bbdbf7fdbfa09p-45,
      0x1.3400000000000p+0, -0x1.7ab890210e000p-3, 0x1.bdb9072534a58p-45,
      0x1.3400000000000p+0, -0x1.7ab890210e000p-3, 0x1.bdb9072534a58p-45,
      0x1.3200000000000p+0, -0x1.6d60fe719d000p-3, -0x1.0e46aa3b2e266p-46,
      0x1.3000000000000p+0, -0x1.5ff3070a79000p-3, -0x1.e9e439f105039p-46,
      0x1.3000000000000p+0, -0x1.5ff3070a79000p-3, -0x1.e9e439f105039p-46,
      0x1.2e00000000000p+0, -0x1.526e5e3a1b000p-3, -0x1.0de8b90075b8fp-45,
      0x1.2c00000000000p+0, -0x1.44d2b6ccb8000p-3, 0x1.70cc16135783cp-46,
      0x1.2c00000000000p+0, -0x1.44d2b6ccb8000p-3, 0x1.70cc16135783cp-46,
      0x1.2a00000000000p+0, -0x1.371fc201e9000p-3, 0x1.178864d27543ap-48,
      0x1.2800000000000p+0, -0x1.29552f81ff000p-3, -0x1.48d301771c408p-45,
      0x1.2600000000000p+0, -0x1.1b72ad52f6000p-3, -0x1.e80a41811a396p-45,
      0x1.2600000000000p+0, -0x1.1b72ad52f6000p-3, -0x1.e80a41811a396p-45,
      0x1.2400000000000p+0, -0x1.0d77e7cd09000p-3, 0x1.a699688e85bf4p-47,
      0x1.2400000000000p+0, -0x1.0d77e7cd09000p-3, 0x1.a699688e85bf4p-47,
      0x1.2200000000000p+0, -0x1.fec9131dbe000p-4, -0x1.575545ca333f2p-45,
      0x1.2000000000000p+0, -0x1.e27076e2b0000p-4, 0x1.a342c2af0003cp-45,
      0x1.2000000000000p+0, -0x1.e27076e2b0000p-4, 0x1.a342c2af0003cp-45,
      0x1.1e00000000000p+0, -0x1.c5e548f5bc000p-4, -0x1.d0c57585fbe06p-46,
      0x1.1c00000000000p+0, -0x1.a926d3a4ae000p-4, 0x1.53935e85baac8p-45,
      0x1.1c00000000000p+0, -0x1.a926d3a4ae000p-4, 0x1.53935e85baac8p-45,
      0x1.1a00000000000p+0, -0x1.8c345d631a000p-4, 0x1.37c294d2f5668p-46,
      0x1.1a00000000000p+0, -0x1.8c345d631a000p-4, 0x1.37c294d2f5668p-46,
      0x1.1800000000000p+0, -0x1.6f0d28ae56000p-4, -0x1.69737c93373dap-45,
      0x1.1600000000000p+0, -0x1.51b073f062000p-4, 0x1.f025b61c65e57p-46,
      0x1.1600000000000p+0, -0x1.51b073f062000p-4, 0x1.f025b61c65e57p-46,
      0x1.1400000000000p+0, -0x1.341d7961be000p-4, 0x1.c5edaccf913dfp-45,
      0x1.1400000000000p+0, -0x1.341d7961be000p-4, 0x1.c5edaccf913dfp-45,
      0x1.1200000000000p+0, -0x1.16536eea38000p-4, 0x1.47c5e768fa309p-46,
      0x1.1000000000000p+0, -0x1.f0a30c0118000p-5, 0x1.d599e83368e91p-45,
      0x1.1000000000000p+0, -0x1.f0a30c0118000p-5, 0x1.d599e83368e91p-45,
      0x1.0e00000000000p+0, -0x1.b42dd71198000p-5, 0x1.c827ae5d6704cp-46,
      0x1.0e00000000000p+0, -0x1.b42dd71198000p-5, 0x1.c827ae5d6704cp-46,
      0x1.0c00000000000p+0, -0x1.77458f632c000p-5, -0x1.cfc4634f2a1eep-45,
      0x1.0c00000000000p+0, -0x1.77458f632c000p-5, -0x1.cfc4634f2a1eep-45,
      0x1.0a00000000000p+0, -0x1.39e87b9fec000p-5, 0x1.502b7f526feaap-48,
      0x1.0a00000000000p+0, -0x1.39e87b9fec000p-5, 0x1.502b7f526feaap-48,
      0x1.0800000000000p+0, -0x1.f829b0e780000p-6, -0x1.980267c7e09e4p-45,
      0x1.0800000000000p+0, -0x1.f829b0e780000p-6, -0x1.980267c7e09e4p-45,
      0x1.0600000000000p+0, -0x1.7b91b07d58000p-6, -0x1.88d5493faa639p-45,
      0x1.0400000000000p+0, -0x1.fc0a8b0fc0000p-7, -0x1.f1e7cf6d3a69cp-50,
      0x1.0400000000000p+0, -0x1.fc0a8b0fc0000p-7, -0x1.f1e7cf6d3a69cp-50,
      0x1.0200000000000p+0, -0x1.fe02a6b100000p-8, -0x1.9e23f0dda40e4p-46,
      0x1.0200000000000p+0, -0x1.fe02a6b100000p-8, -0x1.9e23f0dda40e4p-46,
      0x1.0000000000000p+0, 0x0.0000000000000p+0, 0x0.0000000000000p+0,
      0x1.0000000000000p+0, 0x0.0000000000000p+0, 0x0.0000000000000p+0,
      0x1.fc00000000000p-1, 0x1.0101575890000p-7, -0x1.0c76b999d2be8p-46,
      0x1.f800000000000p-1, 0x1.0205658938000p-6, -0x1.3dc5b06e2f7d2p-45,
      0x1.f400000000000p-1, 0x1.8492528c90000p-6, -0x1.aa0ba325a0c34p-45,
      0x1.f000000000000p-1, 0x1.0415d89e74000p-5, 0x1.111c05cf1d753p-47,
      0x1.ec00000000000p-1, 0x1.466aed42e0000p-5, -0x1.c167375bdfd28p-45,
      0x1.e800000000000p-1, 0x1.894aa149fc000p-5, -0x1.97995d05a267dp-46,
      0x1.e400000000000p-1, 0x1.ccb73cdddc000p-5, -0x1.a68f247d82807p-46,
      0x1.e200000000000p-1, 0x1.eea31c006c000p-5, -0x1.e113e4fc93b7bp-47,
      0x1.de00000000000p-1, 0x1.1973bd1466000p-4, -0x1.5325d560d9e9bp-45,
      0x1.da00000000000p-1, 0x1.3bdf5a7d1e000p-4, 0x1.cc85ea5db4ed7p-45,
      0x1.d600000000000p-1, 0x1.5e95a4d97a000p-4, -0x1.c69063c5d1d1ep-45,
      0x1.d400000000000p-1, 0x1.700d30aeac000p-4, 0x1.c1e8da99ded32p-49,
      0x1.d000000000000p-1, 0x1.9335e5d594000p-4, 0x1.3115c3abd47dap-45,
      0x1.cc00000000000p-1, 0x1.b6ac88dad6000p-4, -0x1.390802bf768e5p-46,
      0x1.ca00000000000p-1, 0x1.c885801bc4000p-4, 0x1.646d1c65aacd3p-45,
      0x1.c600000000000p-1, 0x1.ec739830a2000p-4, -0x1.dc068afe645e0p-45,
      0x1.c400000000000p-1, 0x1.fe89139dbe000p-4, -0x1.534d64fa10afdp-45,
      0x1.c000000000000p-1, 0x1.1178e8227e000p-3, 0x1.1ef78ce2d07f2p-45,
      0x1.be00000000000p-1, 0x1.1aa2b7e23f000p-3, 0x1.ca78e44389934p-45,
      0x1.ba00000000000p-1, 0x1.2d1610c868000p-3, 0x1.39d6ccb81b4a1p-47,
      0x1.b800000000000p-1, 0x1.365fcb0159000p-3, 0x1.62fa8234b7289p-51,
      0x1.b400000000000p-1, 0x1.4913d8333b000p-3, 0x1.5837954fdb678p-45,
      0x1.b200000000000p-1, 0x1.527e5e4a1b000p-3, 0x1.633e8e5697dc7p-45,
      0x1.ae00000000000p-1, 0x1.6574ebe8c1000p-3, 0x1.9cf8b2c3c2e78p-46,
      0x1.ac00000000000p-1, 0x1.6f0128b757000p-3, -0x1.5118de59c21e1p-45,
      0x1.aa00000000000p-1, 0x1.7898d85445000p-3, -0x1.c661070914305p-46,
      0x1.a600000000000p-1, 0x1.8beafeb390000p-3, -0x1.73d54aae92cd1p-47,
      0x1.a400000000000p-1, 0x1.95a5adcf70000p-3, 0x1.7f22858a0ff6fp-47,
      0x1.a000000000000p-1, 0x1.a93ed3c8ae000p-3, -0x1.8724350562169p-45,
      0x1.9e00000000000p-1, 0x1.b31d8575bd000p-3, -0x1.c358d4eace1aap-47,
      0x1.9c00000000000p-1, 0x1.bd087383be000p-3, -0x1.d4bc4595412b6p-45,
      0x1.9a00000000000p-1, 0x1.c6ffbc6f01000p-3, -0x1.1ec72c5962bd2p-48,
      0x1.9600000000000p-1, 0x1.db13db0d49000p-3, -0x1.aff2af715b035p-45,
      0x1.9400000000000p-1, 0x1.e530effe71000p-3, 0x1.212276041f430p-51,
      0x1.9200000000000p-1, 0x1.ef5ade4dd0000p-3, -0x1.a211565bb8e11p-51,
      0x1.9000000000000p-1, 0x1.f991c6cb3b000p-3, 0x1.bcbecca0cdf30p-46,
      0x1.8c00000000000p-1, 0x1.07138604d5800p-2, 0x1.89cdb16ed4e91p-48,
      0x1.8a00000000000p-1, 0x1.0c42d67616000p-2, 0x1.7188b163ceae9p-45,
      0x1.8800000000000p-1, 0x1.1178e8227e800p-2, -0x1.c210e63a5f01cp-45,
      0x1.8600000000000p-1, 0x1.16b5ccbacf800p-2, 0x1.b9acdf7a51681p-45,
      0x1.8400000000000p-1, 0x1.1bf99635a6800p-2, 0x1.ca6ed5147bdb7p-45,
      0x1.8200000000000p-1, 0x1.214456d0eb800p-2, 0x1.a87deba46baeap-47,
      0x1.7e00000000000p-1, 0x1.2bef07cdc9000p-2, 0x1.a9cfa4a5004f4p-45,
      0x1.7c00000000000p-1, 0x1.314f1e1d36000p-2, -0x1.8e27ad3213cb8p-45,
      0x1.7a00000000000p-1, 0x1.36b6776be1000p-2, 0x1.16ecdb0f177c8p-46,
      0x1.7800000000000p-1, 0x1.3c25277333000p-2, 0x1.83b54b606bd5cp-46,
      0x1.7600000000000p-1, 0x1.419b423d5e800p-2, 0x1.8e436ec90e09dp-47,
      0x1.7400000000000p-1, 0x1.4718dc271c800p-2, -0x1.f27ce0967d675p-45,
      0x1.7200000000000p-1, 0x1.4c9e09e173000p-2, -0x1.e20891b0ad8a4p-45,
      0x1.7000000000000p-1, 0x1.522ae0738a000p-2, 0x1.ebe708164c759p-45,
      0x1.6e00000000000p-1, 0x1.57bf753c8d000p-2, 0x1.fadedee5d40efp-46,
      0x1.6c00000000000p-1, 0x1.5d5bddf596000p-2, -0x1.a0b2a08a465dcp-47,
    };
    /** exp_data.c tab (N = 128): tail bits, scale bits, alternating. */
    private static final long[] EXP_TAB = {
      0x0L, 0x3ff0000000000000L,
      0x3c9b3b4f1a88bf6eL, 0x3feff63da9fb3335L,
      0xbc7160139cd8dc5dL, 0x3fefec9a3e778061L,
      0xbc905e7a108766d1L, 0x3fefe315e86e7f85L,
      0x3c8cd2523567f613L, 0x3fefd9b0d3158574L,
      0xbc8bce8023f98efaL, 0x3fefd06b29ddf6deL,
      0x3c60f74e61e6c861L, 0x3fefc74518759bc8L,
      0x3c90a3e45b33d399L, 0x3fefbe3ecac6f383L,
      0x3c979aa65d837b6dL, 0x3fefb5586cf9890fL,
      0x3c8eb51a92fdeffcL, 0x3fefac922b7247f7L,
      0x3c3ebe3d702f9cd1L, 0x3fefa3ec32d3d1a2L,
      0xbc6a033489906e0bL, 0x3fef9b66affed31bL,
      0xbc9556522a2fbd0eL, 0x3fef9301d0125b51L,
      0xbc5080ef8c4eea55L, 0x3fef8abdc06c31ccL,
      0xbc91c923b9d5f416L, 0x3fef829aaea92de0L,
      0x3c80d3e3e95c55afL, 0x3fef7a98c8a58e51L,
      0xbc801b15eaa59348L, 0x3fef72b83c7d517bL,
      0xbc8f1ff055de323dL, 0x3fef6af9388c8deaL,
      0x3c8b898c3f1353bfL, 0x3fef635beb6fcb75L,
      0xbc96d99c7611eb26L, 0x3fef5be084045cd4L,
      0x3c9aecf73e3a2f60L, 0x3fef54873168b9aaL,
      0xbc8fe782cb86389dL, 0x3fef4d5022fcd91dL,
      0x3c8a6f4144a6c38dL, 0x3fef463b88628cd6L,
      0x3c807a05b0e4047dL, 0x3fef3f49917ddc96L,
      0x3c968efde3a8a894L, 0x3fef387a6e756238L,
      0x3c875e18f274487dL, 0x3fef31ce4fb2a63fL,
      0x3c80472b981fe7f2L, 0x3fef2b4565e27cddL,
      0xbc96b87b3f71085eL, 0x3fef24dfe1f56381L,
      0x3c82f7e16d09ab31L, 0x3fef1e9df51fdee1L,
      0xbc3d219b1a6fbffaL, 0x3fef187fd0dad990L,
      0x3c8b3782720c0ab4L, 0x3fef1285a6e4030bL,
      0x3c6e149289cecb8fL, 0x3fef0cafa93e2f56L,
      0x3c834d754db0abb6L, 0x3fef06fe0a31b715L,
      0x3c864201e2ac744cL, 0x3fef0170fc4cd831L,
      0x3c8fdd395dd3f84aL, 0x3feefc08b26416ffL,
      0xbc86a3803b8e5b04L, 0x3feef6c55f929ff1L,
      0xbc924aedcc4b5068L, 0x3feef1a7373aa9cbL,
      0xbc9907f81b512d8eL, 0x3feeecae6d05d866L,
      0xbc71d1e83e9436d2L, 0x3feee7db34e59ff7L,
      0xbc991919b3ce1b15L, 0x3feee32dc313a8e5L,
      0x3c859f48a72a4c6dL, 0x3feedea64c123422L,
      0xbc9312607a28698aL, 0x3feeda4504ac801cL,
      0xbc58a78f4817895bL, 0x3feed60a21f72e2aL,
      0xbc7c2c9b67499a1bL, 0x3feed1f5d950a897L,
      0x3c4363ed60c2ac11L, 0x3feece086061892dL,
      0x3c9666093b0664efL, 0x3feeca41ed1d0057L,
      0x3c6ecce1daa10379L, 0x3feec6a2b5c13cd0L,
      0x3c93ff8e3f0f1230L, 0x3feec32af0d7d3deL,
      0x3c7690cebb7aafb0L, 0x3feebfdad5362a27L,
      0x3c931dbdeb54e077L, 0x3feebcb299fddd0dL,
      0xbc8f94340071a38eL, 0x3feeb9b2769d2ca7L,
      0xbc87deccdc93a349L, 0x3feeb6daa2cf6642L,
      0xbc78dec6bd0f385fL, 0x3feeb42b569d4f82L,
      0xbc861246ec7b5cf6L, 0x3feeb1a4ca5d920fL,
      0x3c93350518fdd78eL, 0x3feeaf4736b527daL,
      0x3c7b98b72f8a9b05L, 0x3feead12d497c7fdL,
      0x3c9063e1e21c5409L, 0x3feeab07dd485429L,
      0x3c34c7855019c6eaL, 0x3feea9268a5946b7L,
      0x3c9432e62b64c035L, 0x3feea76f15ad2148L,
      0xbc8ce44a6199769fL, 0x3feea5e1b976dc09L,
      0xbc8c33c53bef4da8L, 0x3feea47eb03a5585L,
      0xbc845378892be9aeL, 0x3feea34634ccc320L,
      0xbc93cedd78565858L, 0x3feea23882552225L,
      0x3c5710aa807e1964L, 0x3feea155d44ca973L,
      0xbc93b3efbf5e2228L, 0x3feea09e667f3bcdL,
      0xbc6a12ad8734b982L, 0x3feea012750bdabfL,
      0xbc6367efb86da9eeL, 0x3fee9fb23c651a2fL,
      0xbc80dc3d54e08851L, 0x3fee9f7df9519484L,
      0xbc781f647e5a3ecfL, 0x3fee9f75e8ec5f74L,
      0xbc86ee4ac08b7db0L, 0x3fee9f9a48a58174L,
      0xbc8619321e55e68aL, 0x3fee9feb564267c9L,
      0x3c909ccb5e09d4d3L, 0x3feea0694fde5d3fL,
      0xbc7b32dcb94da51dL, 0x3feea11473eb0187L,
      0x3c94ecfd5467c06bL, 0x3feea1ed0130c132L,
      0x3c65ebe1abd66c55L, 0x3feea2f336cf4e62L,
      0xbc88a1c52fb3cf42L, 0x3feea427543e1a12L,
      0xbc9369b6f13b3734L, 0x3feea589994cce13L,
      0xbc805e843a19ff1eL, 0x3feea71a4623c7adL,
      0xbc94d450d872576eL, 0x3feea8d99b4492edL,
      0x3c90ad675b0e8a00L, 0x3feeaac7d98a6699L,
      0x3c8db72fc1f0eab4L, 0x3feeace5422aa0dbL,
      0xbc65b6609cc5e7ffL, 0x3feeaf3216b5448cL,
      0x3c7bf68359f35f44L, 0x3feeb1ae99157736L,
      0xbc93091fa71e3d83L, 0x3feeb45b0b91ffc6L,
      0xbc5da9b88b6c1e29L, 0x3feeb737b0cdc5e5L,
      0xbc6c23f97c90b959L, 0x3feeba44cbc8520fL,
      0xbc92434322f4f9aaL, 0x3feebd829fde4e50L,
      0xbc85ca6cd7668e4bL, 0x3feec0f170ca07baL,
      0x3c71affc2b91ce27L, 0x3feec49182a3f090L,
      0x3c6dd235e10a73bbL, 0x3feec86319e32323L,
      0xbc87c50422622263L, 0x3feecc667b5de565L,
      0x3c8b1c86e3e231d5L, 0x3feed09bec4a2d33L,
      0xbc91bbd1d3bcbb15L, 0x3feed503b23e255dL,
      0x3c90cc319cee31d2L, 0x3feed99e1330b358L,
      0x3c8469846e735ab3L, 0x3feede6b5579fdbfL,
      0xbc82dfcd978e9db4L, 0x3feee36bbfd3f37aL,
      0x3c8c1a7792cb3387L, 0x3feee89f995ad3adL,
      0xbc907b8f4ad1d9faL, 0x3feeee07298db666L,
      0xbc55c3d956dcaebaL, 0x3feef3a2b84f15fbL,
      0xbc90a40e3da6f640L, 0x3feef9728de5593aL,
      0xbc68d6f438ad9334L, 0x3feeff76f2fb5e47L,
      0xbc91eee26b588a35L, 0x3fef05b030a1064aL,
      0x3c74ffd70a5fddcdL, 0x3fef0c1e904bc1d2L,
      0xbc91bdfbfa9298acL, 0x3fef12c25bd71e09L,
      0x3c736eae30af0cb3L, 0x3fef199bdd85529cL,
      0x3c8ee3325c9ffd94L, 0x3fef20ab5fffd07aL,
      0x3c84e08fd10959acL, 0x3fef27f12e57d14bL,
      0x3c63cdaf384e1a67L, 0x3fef2f6d9406e7b5L,
      0x3c676b2c6c921968L, 0x3fef3720dcef9069L,
      0xbc808a1883ccb5d2L, 0x3fef3f0b555dc3faL,
      0xbc8fad5d3ffffa6fL, 0x3fef472d4a07897cL,
      0xbc900dae3875a949L, 0x3fef4f87080d89f2L,
      0x3c74a385a63d07a7L, 0x3fef5818dcfba487L,
      0xbc82919e2040220fL, 0x3fef60e316c98398L,
      0x3c8e5a50d5c192acL, 0x3fef69e603db3285L,
      0x3c843a59ac016b4bL, 0x3fef7321f301b460L,
      0xbc82d52107b43e1fL, 0x3fef7c97337b9b5fL,
      0xbc892ab93b470dc9L, 0x3fef864614f5a129L,
      0x3c74b604603a88d3L, 0x3fef902ee78b3ff6L,
      0x3c83c5ec519d7271L, 0x3fef9a51fbc74c83L,
      0xbc8ff7128fd391f0L, 0x3fefa4afa2a490daL,
      0xbc8dae98e223747dL, 0x3fefaf482d8e67f1L,
      0x3c8ec3bc41aa2008L, 0x3fefba1bee615a27L,
      0x3c842b94c3a9eb32L, 0x3fefc52b376bba97L,
      0x3c8a64a931d185eeL, 0x3fefd0765b6e4540L,
      0xbc8e37bae43be3edL, 0x3fefdbfdad9cbe14L,
      0x3c77893b4d91cd9dL, 0x3fefe7c1819e90d8L,
      0x3c5305c14160cc89L, 0x3feff3c22b8f71f1L,
    };

    private static int top12(double x) {
      return (int) (Double.doubleToRawLongBits(x) >>> 52);
    }

    /** log_inline: log(x) as hi + tail, x given by its bits (subnormals normalized). */
    private static double[] logInline(long ix) {
      long tmp = ix - OFF;
      int i = (int) ((tmp >>> 45) & 127);
      int k = (int) (tmp >> 52);
      long iz = ix - (tmp & (0xfffL << 52));
      double z = Double.longBitsToDouble(iz);
      double kd = k;
      double invc = LOG_TAB[3 * i];
      double logc = LOG_TAB[3 * i + 1];
      double logctail = LOG_TAB[3 * i + 2];
      double r = Math.fma(z, invc, -1.0);
      double t1 = Math.fma(kd, LN2HI, logc);
      double t2 = t1 + r;
      double lo1 = Math.fma(kd, LN2LO, logctail);
      double lo2 = t1 - t2 + r;
      double ar = A0 * r;
      double ar2 = r * ar;
      double ar3 = r * ar2;
      double hi = t2 + ar2;
      double lo3 = Math.fma(ar, r, -ar2);
      double lo4 = t2 - hi + ar2;
      double p = ar3 * Math.fma(ar2, Math.fma(ar2, Math.fma(r, A6, A5), Math.fma(r, A4, A3)),
          Math.fma(r, A2, A1));
      double lo = lo1 + lo2 + lo3 + lo4 + p;
      double y = hi + lo;
      return new double[] {y, hi - y + lo};
    }

    /** specialcase: results that may overflow or fall into the subnormal range. */
    private static double specialCase(double tmp, long sbits, long ki) {
      if ((ki & 0x80000000L) == 0) {
        sbits -= 1009L << 52;
        double scale = Double.longBitsToDouble(sbits);
        return Math.fma(scale, tmp, scale) * 0x1p1009;
      }
      sbits += 1022L << 52;
      double scale = Double.longBitsToDouble(sbits);
      double st = scale * tmp; // two uses: not fused
      double y = scale + st;
      if (Math.abs(y) < 1.0) {
        double one = y < 0.0 ? -1.0 : 1.0;
        double lo = scale - y + st;
        double hi = one + y;
        lo = one - hi + y + lo;
        y = (hi + lo) - one;
        if (y == 0.0) {
          y = Double.longBitsToDouble(sbits & 0x8000000000000000L);
        }
      }
      return 0x1p-1022 * y;
    }

    /** exp_inline(x, xtail, 0). */
    private static double expInline(double x, double xtail) {
      int abstop = top12(x) & 0x7ff;
      if (Integer.compareUnsigned(abstop - top12(0x1p-54), top12(512.0) - top12(0x1p-54)) >= 0) {
        if (Integer.compareUnsigned(abstop - top12(0x1p-54), 0x80000000) >= 0) {
          return 1.0 + x;
        }
        if (abstop >= top12(1024.0)) {
          return (Double.doubleToRawLongBits(x) >>> 63) != 0 ? 0.0 : Double.POSITIVE_INFINITY;
        }
        abstop = 0;
      }
      double kd = Math.fma(INV_LN2N, x, SHIFT);
      long ki = Double.doubleToRawLongBits(kd);
      kd -= SHIFT;
      double r = Math.fma(kd, NEG_LN2LO_N, Math.fma(kd, NEG_LN2HI_N, x));
      r += xtail;
      int idx = (int) (2 * (ki & 127));
      long top = ki << 45;
      double tail = Double.longBitsToDouble(EXP_TAB[idx]);
      long sbits = EXP_TAB[idx + 1] + top;
      double r2 = r * r;
      double tmp = Math.fma(r2 * r2, Math.fma(r, C5, C4), Math.fma(r2, Math.fma(r, C3, C2), tail + r));
      if (abstop == 0) {
        return specialCase(tmp, sbits, ki);
      }
      double scale = Double.longBitsToDouble(sbits);
      return Math.fma(scale, tmp, scale);
    }

    /** pow(x, y) for x &gt; 0 finite, x != 1, y finite and non-zero; infinity on overflow. */
    static double pow(double x, double y) {
      long ix = Double.doubleToRawLongBits(x);
      int topx = top12(x);
      int topy = top12(y);
      long one = Double.doubleToRawLongBits(1.0);
      if (Integer.compareUnsigned(topx - 0x001, 0x7ff - 0x001) >= 0
          || Integer.compareUnsigned((topy & 0x7ff) - 0x3be, 0x43e - 0x3be) >= 0) {
        if (Integer.compareUnsigned((topy & 0x7ff) - 0x3be, 0x43e - 0x3be) >= 0) {
          if ((topy & 0x7ff) < 0x3be) {
            return Long.compareUnsigned(ix, one) > 0 ? 1.0 + y : 1.0 - y; // |y| < 2^-65
          }
          return (Long.compareUnsigned(ix, one) > 0) == (topy < 0x800) ? Double.POSITIVE_INFINITY : 0.0;
        }
        if (topx == 0) {
          // a subnormal x, normalized so that its exponent becomes negative
          ix = Double.doubleToRawLongBits(x * 0x1p52);
          ix &= 0x7fffffffffffffffL;
          ix -= 52L << 52;
        }
      }
      double[] log = logInline(ix);
      double hi = log[0];
      double ehi = y * hi;
      double elo = Math.fma(y, log[1], Math.fma(y, hi, -ehi));
      return expInline(ehi, elo);
    }
  }
  /**
   * The part of mpmath 1.3 (pure-Python backend, {@code libmp}) that {@code mpmath.log(value) / mpmath.log(base)} runs,
   * ported operation by operation on the same integers, so that results carry the same bits as Python's: raw mpf
   * values {@code (sign, man, exp, bc)}, their rounding ({@code normalize}), conversion from int, float and str,
   * add/mul/div, {@code mpf_log} (Taylor series with cached points up to 2500 bits, AGM beyond), the constants ln 2,
   * ln 10 and pi with mpmath's memo ({@code constant_memo}), the complex logarithm of a negative real, complex
   * division, and decimal printing ({@code to_str}).
   */
  static final class Mp {
    private Mp() {}

    /** A raw mpf: {@code (-1)**sign * man * 2**exp}, {@code bc} the bit count of {@code man}. */
    record Mpf(int sign, BigInteger man, long exp, long bc) {
      boolean special() {
        return man.signum() == 0 && exp != 0;
      }
    }

    /** A raw mpc: a pair of mpfs. */
    record Mpc(Mpf re, Mpf im) {}

    static final Mpf FZERO = new Mpf(0, BigInteger.ZERO, 0, 0);
    static final Mpf FONE = new Mpf(0, BigInteger.ONE, 0, 1);
    static final Mpf FTEN = new Mpf(0, BigInteger.valueOf(5), 1, 3);
    static final Mpf FNAN = new Mpf(0, BigInteger.ZERO, -123, -1);
    static final Mpf FINF = new Mpf(0, BigInteger.ZERO, -456, -2);
    static final Mpf FNINF = new Mpf(1, BigInteger.ZERO, -789, -3);

    // Rounding modes, as libmpf names them.
    static final char NEAREST = 'n';
    static final char FLOOR = 'f';
    static final char CEILING = 'c';
    static final char UP = 'u';
    static final char DOWN = 'd';
    /** libmpf's round_fast, the default of every libmp function called without a rounding mode. */
    static final char FAST = DOWN;

    private static final int LOG_TAYLOR_PREC = 2500;
    private static final int LOG_TAYLOR_SHIFT = 9;
    private static final int LOG_AGM_MAG_PREC_RATIO = 20;
    /** Python's math.log(10, 2). */
    private static final double LOG2_10 = 3.3219280948873626;
    private static final BigInteger TWO = BigInteger.TWO;
    private static final BigInteger CHUD_A = BigInteger.valueOf(13591409);
    private static final BigInteger CHUD_B = BigInteger.valueOf(545140134);
    private static final BigInteger CHUD_C = BigInteger.valueOf(640320);
    private static final BigInteger CHUD_D = BigInteger.valueOf(12);
    private static final BigInteger ONE_800 = BigInteger.ONE.shiftLeft(800);
    private static final BigInteger ONE_400 = BigInteger.ONE.shiftLeft(400);
    private static final BigInteger ONE_200 = BigInteger.ONE.shiftLeft(200);
    private static final BigInteger ONE_100 = BigInteger.ONE.shiftLeft(100);
    private static final int[] CACHE_PREC_STEPS = cachePrecSteps();
    private static final Map<List<Integer>, BigInteger[]> LOG_TAYLOR_CACHE = new ConcurrentHashMap<>();
    private static final Memo LN2 = new Memo(p -> machin(new long[][] {{18, 26}, {-2, 4801}, {8, 8749}}, p));
    private static final Memo LN10 = new Memo(p -> machin(new long[][] {{46, 31}, {34, 49}, {20, 161}}, p));
    private static final Memo PI = new Memo(Mp::piFixedUncached);

    // ---- integers ----

    /** Python's floor division. */
    static BigInteger floorDiv(BigInteger a, BigInteger b) {
      BigInteger[] qr = a.divideAndRemainder(b);
      if (qr[1].signum() != 0 && (qr[1].signum() != b.signum())) {
        return qr[0].subtract(BigInteger.ONE);
      }
      return qr[0];
    }

    /** Python's {@code x << n} for any n (a negative n shifts right, flooring). */
    static BigInteger lshift(BigInteger x, long n) {
      return n >= 0 ? x.shiftLeft(Math.toIntExact(n)) : x.shiftRight(Math.toIntExact(-n));
    }

    static BigInteger rshift(BigInteger x, long n) {
      return lshift(x, -n);
    }

    static BigInteger pow10(long n) {
      return BigInteger.TEN.pow(Math.toIntExact(n));
    }

    /** libintmath.giant_steps(start, target, 2). */
    static List<Long> giantSteps(long start, long target) {
      List<Long> l = new ArrayList<>();
      l.add(target);
      while (l.get(l.size() - 1) > start * 2) {
        l.add(Math.floorDiv(l.get(l.size() - 1), 2) + 2);
      }
      Collections.reverse(l);
      return l;
    }

    /** libintmath.isqrt_fast_python: approximate floor square root, exactly as mpmath computes it. */
    static BigInteger isqrtFast(BigInteger x) {
      if (x.compareTo(ONE_800) < 0) {
        // int(x**0.5): pow(float(x), 0.5), correctly rounded as sqrt is.
        BigInteger y = BigInteger.valueOf((long) Math.sqrt(x.doubleValue()));
        if (y.bitLength() >= 63) {
          y = new BigDecimal(Math.sqrt(x.doubleValue())).toBigInteger();
        }
        if (x.compareTo(ONE_100) >= 0) {
          y = y.add(x.divide(y)).shiftRight(1);
          if (x.compareTo(ONE_200) >= 0) {
            y = y.add(x.divide(y)).shiftRight(1);
            if (x.compareTo(ONE_400) >= 0) {
              y = y.add(x.divide(y)).shiftRight(1);
            }
          }
        }
        return y;
      }
      long bc = x.bitLength();
      int guardBits = 10;
      x = x.shiftLeft(2 * guardBits);
      bc += 2 * guardBits;
      bc += bc & 1;
      long hbc = bc / 2;
      long startprec = Math.min(50, hbc);
      // r = int(2.0**(2*startprec) * (x >> (bc-2*startprec)) ** -0.5)
      double top = rshift(x, bc - 2 * startprec).doubleValue();
      double r0 = Math.scalb(GlibcPow.pow(top, -0.5), (int) (2 * startprec)); // CPython float ** -> C pow
      BigInteger r = new BigDecimal(r0).toBigInteger();
      long pp = startprec;
      long p = startprec;
      for (long step : giantSteps(startprec, hbc)) {
        p = step;
        BigInteger r2 = rshift(r.multiply(r), 2 * pp - p);
        BigInteger xr2 = rshift(rshift(x, bc - p).multiply(r2), p);
        r = rshift(r.multiply(BigInteger.valueOf(3).shiftLeft((int) p).subtract(xr2)), pp + 1);
        pp = p;
      }
      return rshift(r.multiply(rshift(x, hbc)), p + guardBits);
    }

    // ---- normalization and conversion (libmpf) ----

    private static boolean shiftsDown(char rnd, int sign) {
      return switch (rnd) {
        case FLOOR -> sign == 0;
        case CEILING -> sign == 1;
        case DOWN -> true;
        case UP -> false;
        default -> throw new IllegalArgumentException("rounding " + rnd);
      };
    }

    /**
     * libmpf.normalize (and normalize1, which differs only in a shortcut for odd mantissas): rounds {@code man} to
     * {@code prec} bits in direction {@code rnd} and strips trailing zero bits. {@code man} is non-negative.
     */
    static Mpf normalize(int sign, BigInteger man, long exp, long prec, char rnd) {
      if (man.signum() == 0) {
        return FZERO;
      }
      long bc = man.bitLength();
      long n = bc - prec;
      if (n > 0) {
        if (rnd == NEAREST) {
          BigInteger t = rshift(man, n - 1);
          if (t.testBit(0) && (t.testBit(1) || man.getLowestSetBit() < n - 1)) {
            man = t.shiftRight(1).add(BigInteger.ONE);
          } else {
            man = t.shiftRight(1);
          }
        } else if (shiftsDown(rnd, sign)) {
          man = rshift(man, n);
        } else {
          man = rshift(man.negate(), n).negate();
        }
        exp += n;
      }
      int t = man.getLowestSetBit();
      if (t > 0) {
        man = man.shiftRight(t);
        exp += t;
      }
      return new Mpf(sign, man, exp, man.bitLength());
    }

    /** libmpf.from_man_exp: a signed mantissa; {@code prec} 0 keeps it exact. */
    static Mpf fromManExp(BigInteger man, long exp, long prec, char rnd) {
      int sign = man.signum() < 0 ? 1 : 0;
      man = man.abs();
      if (prec == 0) {
        if (man.signum() == 0) {
          return FZERO;
        }
        int t = man.getLowestSetBit();
        man = man.shiftRight(t);
        return new Mpf(sign, man, exp + t, man.bitLength());
      }
      return normalize(sign, man, exp, prec, rnd);
    }

    static Mpf fromInt(BigInteger n) {
      return fromManExp(n, 0, 0, FAST);
    }

    static Mpf fromInt(BigInteger n, long prec, char rnd) {
      return fromManExp(n, 0, prec, rnd);
    }

    /** libmpf.from_float: exact for every double (Python's frexp route gives the same value). */
    static Mpf fromFloat(double x) {
      if (Double.isNaN(x)) {
        return FNAN;
      }
      if (Double.isInfinite(x)) {
        return x > 0 ? FINF : FNINF;
      }
      if (x == 0) {
        return FZERO;
      }
      long bits = Double.doubleToRawLongBits(x);
      int e = (int) ((bits >>> 52) & 0x7ff);
      long frac = bits & 0xfffffffffffffL;
      long man = e == 0 ? frac : frac | (1L << 52);
      long exp = e == 0 ? -1074 : e - 1075;
      BigInteger m = BigInteger.valueOf(x < 0 ? -man : man);
      return fromManExp(m, exp, 53, FAST);
    }

    static Mpf pos(Mpf s, long prec, char rnd) {
      if (prec == 0 || s.special()) {
        return s;
      }
      return normalize(s.sign(), s.man(), s.exp(), prec, rnd);
    }

    static Mpf neg(Mpf s) {
      if (s.man().signum() == 0) {
        if (s.equals(FINF)) {
          return FNINF;
        }
        if (s.equals(FNINF)) {
          return FINF;
        }
        return s;
      }
      return new Mpf(1 - s.sign(), s.man(), s.exp(), s.bc());
    }

    static Mpf abs(Mpf s) {
      if (s.special()) {
        return s.equals(FNINF) ? FINF : s;
      }
      return s.sign() == 1 ? new Mpf(0, s.man(), s.exp(), s.bc()) : s;
    }

    static Mpf shift(Mpf s, long n) {
      if (s.man().signum() == 0) {
        return s;
      }
      return new Mpf(s.sign(), s.man(), s.exp() + n, s.bc());
    }

    static int signOf(Mpf s) {
      if (s.man().signum() == 0) {
        return s.equals(FINF) ? 1 : s.equals(FNINF) ? -1 : 0;
      }
      return s.sign() == 1 ? -1 : 1;
    }

    // ---- arithmetic (libmpf) ----

    /** libmpf.mpf_add; {@code prec} 0 is exact. */
    static Mpf add(Mpf s, Mpf t, long prec, char rnd, boolean sub) {
      int ssign = s.sign();
      BigInteger sman = s.man();
      long sexp = s.exp();
      long sbc = s.bc();
      int tsign = t.sign() ^ (sub ? 1 : 0);
      BigInteger tman = t.man();
      long texp = t.exp();
      long tbc = t.bc();
      if (sman.signum() != 0 && tman.signum() != 0) {
        long offset = sexp - texp;
        if (offset > 0) {
          if (offset > 100 && prec != 0) {
            long delta = sbc + sexp - tbc - texp;
            if (delta > prec + 4) {
              offset = prec + 4;
              sman = sman.shiftLeft((int) offset);
              sman = tsign == ssign ? sman.add(BigInteger.ONE) : sman.subtract(BigInteger.ONE);
              return normalize(ssign, sman, sexp - offset, prec, rnd);
            }
          }
          BigInteger man;
          if (ssign == tsign) {
            man = tman.add(lshift(sman, offset));
          } else {
            man = ssign == 1 ? tman.subtract(lshift(sman, offset)) : lshift(sman, offset).subtract(tman);
            if (man.signum() >= 0) {
              ssign = 0;
            } else {
              man = man.negate();
              ssign = 1;
            }
          }
          return normalize(ssign, man, texp, prec == 0 ? man.bitLength() : prec, rnd);
        } else if (offset < 0) {
          if (offset < -100 && prec != 0) {
            long delta = tbc + texp - sbc - sexp;
            if (delta > prec + 4) {
              offset = prec + 4;
              tman = tman.shiftLeft((int) offset);
              tman = ssign == tsign ? tman.add(BigInteger.ONE) : tman.subtract(BigInteger.ONE);
              return normalize(tsign, tman, texp - offset, prec, rnd);
            }
          }
          BigInteger man;
          if (ssign == tsign) {
            man = sman.add(lshift(tman, -offset));
          } else {
            man = tsign == 1 ? sman.subtract(lshift(tman, -offset)) : lshift(tman, -offset).subtract(sman);
            if (man.signum() >= 0) {
              ssign = 0;
            } else {
              man = man.negate();
              ssign = 1;
            }
          }
          return normalize(ssign, man, sexp, prec == 0 ? man.bitLength() : prec, rnd);
        }
        BigInteger man;
        if (ssign == tsign) {
          man = tman.add(sman);
        } else {
          man = ssign == 1 ? tman.subtract(sman) : sman.subtract(tman);
          if (man.signum() >= 0) {
            ssign = 0;
          } else {
            man = man.negate();
            ssign = 1;
          }
        }
        return normalize(ssign, man, texp, prec == 0 ? Math.max(1, man.bitLength()) : prec, rnd);
      }
      // Zeros and special numbers.
      if (sub) {
        t = neg(t);
      }
      if (sman.signum() == 0) {
        if (sexp != 0) {
          if (s.equals(t) || tman.signum() != 0 || texp == 0) {
            return s;
          }
          return FNAN;
        }
        if (tman.signum() != 0) {
          return normalize(t.sign(), tman, texp, prec == 0 ? tbc : prec, rnd);
        }
        return t;
      }
      if (texp != 0) {
        return t;
      }
      return normalize(ssign, sman, sexp, prec == 0 ? sbc : prec, rnd);
    }

    /** libmpf.python_mpf_mul; {@code prec} 0 is exact. */
    static Mpf mul(Mpf s, Mpf t, long prec, char rnd) {
      int sign = s.sign() ^ t.sign();
      BigInteger man = s.man().multiply(t.man());
      if (man.signum() != 0) {
        if (prec != 0) {
          return normalize(sign, man, s.exp() + t.exp(), prec, rnd);
        }
        return new Mpf(sign, man, s.exp() + t.exp(), man.bitLength());
      }
      boolean sSpecial = s.special();
      boolean tSpecial = t.special();
      if (!sSpecial && !tSpecial) {
        return FZERO;
      }
      if (s.equals(FNAN) || t.equals(FNAN)) {
        return FNAN;
      }
      if (tSpecial) {
        Mpf x = s;
        s = t;
        t = x;
      }
      if (t.equals(FZERO)) {
        return FNAN;
      }
      return signOf(s) * signOf(t) == 1 ? FINF : FNINF;
    }

    /** libmpf.mpf_div: ZeroDivisionError (with no message) for a zero divisor. */
    static Mpf div(Mpf s, Mpf t, long prec, char rnd) {
      BigInteger sman = s.man();
      BigInteger tman = t.man();
      if (sman.signum() == 0 || tman.signum() == 0) {
        if (s.equals(FZERO)) {
          if (t.equals(FZERO)) {
            throw PyException.zeroDivision("");
          }
          if (t.equals(FNAN)) {
            return FNAN;
          }
          return FZERO;
        }
        if (t.equals(FZERO)) {
          throw PyException.zeroDivision("");
        }
        boolean sSpecial = s.special();
        boolean tSpecial = t.special();
        if (sSpecial && tSpecial) {
          return FNAN;
        }
        if (s.equals(FNAN) || t.equals(FNAN)) {
          return FNAN;
        }
        if (!tSpecial) {
          return signOf(s) * signOf(t) == 1 ? FINF : FNINF;
        }
        return FZERO;
      }
      int sign = s.sign() ^ t.sign();
      if (tman.equals(BigInteger.ONE)) {
        return normalize(sign, sman, s.exp() - t.exp(), prec, rnd);
      }
      long extra = prec - s.bc() + t.bc() + 5;
      if (extra < 5) {
        extra = 5;
      }
      BigInteger[] qr = lshift(sman, extra).divideAndRemainder(tman);
      BigInteger quot = qr[0];
      if (qr[1].signum() != 0) {
        quot = quot.shiftLeft(1).add(BigInteger.ONE);
        extra += 1;
      }
      return normalize(sign, quot, s.exp() - t.exp() - extra, prec, rnd);
    }

    private static char reciprocalRnd(char rnd) {
      return switch (rnd) {
        case DOWN -> UP;
        case UP -> DOWN;
        case FLOOR -> CEILING;
        case CEILING -> FLOOR;
        default -> NEAREST;
      };
    }

    /** libmpf.mpf_pow_int. */
    static Mpf powInt(Mpf s, long n, long prec, char rnd) {
      if (s.special()) {
        if (s.equals(FINF)) {
          return n > 0 ? s : n == 0 ? FNAN : FZERO;
        }
        if (s.equals(FNINF)) {
          return n > 0 ? ((n & 1) == 1 ? FNINF : FINF) : n == 0 ? FNAN : FZERO;
        }
        return FNAN;
      }
      if (n == 0) {
        return FONE;
      }
      if (n == 1) {
        return pos(s, prec, rnd);
      }
      if (n == 2) {
        if (s.man().signum() == 0) {
          return FZERO;
        }
        BigInteger man = s.man().multiply(s.man());
        if (man.equals(BigInteger.ONE)) {
          return new Mpf(0, BigInteger.ONE, s.exp() + s.exp(), 1);
        }
        return normalize(0, man, s.exp() + s.exp(), prec, rnd);
      }
      if (n == -1) {
        return div(FONE, s, prec, rnd);
      }
      if (n < 0) {
        Mpf inverse = powInt(s, -n, prec + 5, reciprocalRnd(rnd));
        return div(FONE, inverse, prec, rnd);
      }
      int resultSign = (int) (s.sign() & n);
      BigInteger man = s.man();
      long exp = s.exp();
      long bc = s.bc();
      if (man.equals(BigInteger.ONE)) {
        return new Mpf(resultSign, BigInteger.ONE, exp * n, 1);
      }
      if (bc * n < 1000) {
        man = man.pow((int) n);
        return normalize(resultSign, man, exp * n, prec, rnd);
      }
      boolean roundsDown = rnd == NEAREST || shiftsDown(rnd, resultSign);
      long workprec = prec + 4L * (64 - Long.numberOfLeadingZeros(n)) + 4;
      BigInteger pm = BigInteger.ONE;
      long pe = 0;
      while (true) {
        if ((n & 1) == 1) {
          pm = pm.multiply(man);
          pe = pe + exp;
          long pbc = pm.bitLength();
          if (pbc > workprec) {
            pm = roundsDown ? rshift(pm, pbc - workprec) : rshift(pm.negate(), pbc - workprec).negate();
            pe += pbc - workprec;
          }
          n -= 1;
          if (n == 0) {
            break;
          }
        }
        man = man.multiply(man);
        exp = exp + exp;
        bc = man.bitLength();
        if (bc > workprec) {
          man = roundsDown ? rshift(man, bc - workprec) : rshift(man.negate(), bc - workprec).negate();
          exp += bc - workprec;
        }
        n = n / 2;
      }
      return normalize(resultSign, pm, pe, prec, rnd);
    }

    static BigInteger toFixed(Mpf s, long prec) {
      long offset = s.exp() + prec;
      BigInteger man = s.sign() == 1 ? s.man().negate() : s.man();
      return lshift(man, offset);
    }

    /** libmpf.to_int with the default rounding (toward zero). */
    static BigInteger toInt(Mpf s) {
      if (s.special()) {
        throw PyException.valueError("cannot convert inf or nan to int");
      }
      if (s.exp() >= 0) {
        return lshift(s.sign() == 1 ? s.man().negate() : s.man(), s.exp());
      }
      BigInteger m = rshift(s.man(), -s.exp());
      return s.sign() == 1 ? m.negate() : m;
    }

    /** libmpf.from_str (decimal literals, "p/q", inf and nan), rounding to {@code prec} bits. */
    static Mpf fromStr(String text, long prec, char rnd) {
      String x = PyStrings.lower(PyStrings.strip(text));
      switch (x) {
        case "inf", "+inf" -> {
          return FINF;
        }
        case "-inf" -> {
          return FNINF;
        }
        case "nan" -> {
          return FNAN;
        }
        default -> { }
      }
      if (x.contains("/")) {
        String[] pq = x.split("/", -1);
        if (pq.length != 2) {
          throw PyException.valueError("too many values to unpack (expected 2)");
        }
        BigInteger p = PyStrings.parseInt(PyStrings.rstrip(pq[0], 'l'));
        BigInteger q = PyStrings.parseInt(PyStrings.rstrip(pq[1], 'l'));
        return div(fromInt(p), fromInt(q), prec, rnd);
      }
      // str_to_man_exp
      x = PyStrings.rstrip(PyStrings.lower(x), 'l');
      if (!PyStrings.isFloatLiteral(x)) {
        throw PyException.valueError("could not convert string to float: " + PyRepr.repr(x));
      }
      String[] parts = x.split("e", -1);
      long exp;
      if (parts.length == 1) {
        exp = 0;
      } else {
        x = parts[0];
        exp = PyStrings.parseInt(parts[1]).longValueExact();
      }
      String[] dot = x.split("\\.", -1);
      if (dot.length == 2) {
        String b = PyStrings.rstrip(dot[1], '0');
        exp -= b.length();
        x = dot[0] + b;
      }
      BigInteger man = PyStrings.parseInt(x);
      if (Math.abs(exp) > 400) {
        Mpf s = fromInt(man, prec + 10, FAST);
        return mul(s, powInt(FTEN, exp, prec + 10, FAST), prec, rnd);
      }
      if (exp >= 0) {
        return fromInt(man.multiply(pow10(exp)), prec, rnd);
      }
      return div(fromInt(man), fromInt(pow10(-exp)), prec, rnd);
    }

    // ---- constants (libelefun) ----

    /** libelefun.constant_memo: one process-wide memo per constant, as in Python. */
    private static final class Memo {
      private final LongFunction<BigInteger> f;
      private long memoPrec = -1;
      private BigInteger memoVal;

      Memo(LongFunction<BigInteger> f) {
        this.f = f;
      }

      synchronized BigInteger get(long prec) {
        if (prec <= memoPrec) {
          return rshift(memoVal, memoPrec - prec);
        }
        long newprec = (long) (prec * 1.05 + 10);
        memoVal = f.apply(newprec);
        memoPrec = newprec;
        return rshift(memoVal, newprec - prec);
      }
    }

    static BigInteger ln2Fixed(long prec) {
      return LN2.get(prec);
    }

    static BigInteger piFixed(long prec) {
      return PI.get(prec);
    }

    /** bsp_acot(q, a, b, hyperbolic=True): p, q, r. */
    private static BigInteger[] bspAcot(BigInteger q, long a, long b) {
      if (b - a == 1) {
        BigInteger a1 = BigInteger.valueOf(2 * a + 3);
        return new BigInteger[] {BigInteger.ONE, a1.multiply(q.multiply(q)), a1};
      }
      long m = Math.floorDiv(a + b, 2);
      BigInteger[] x = bspAcot(q, a, m);
      BigInteger[] y = bspAcot(q, m, b);
      return new BigInteger[] {y[1].multiply(x[0]).add(x[2].multiply(y[0])), x[1].multiply(y[1]),
          x[2].multiply(y[2])};
    }

    /** acot_fixed(a, prec, hyperbolic=True). */
    private static BigInteger acothFixed(long a, long prec) {
      long n = (long) (0.35 * prec / Math.log(a) + 20);
      BigInteger[] pqr = bspAcot(BigInteger.valueOf(a), 0, n);
      return floorDiv(pqr[0].add(pqr[1]).shiftLeft((int) prec), pqr[1].multiply(BigInteger.valueOf(a)));
    }

    /** machin(coefs, prec, hyperbolic=True). */
    private static BigInteger machin(long[][] coefs, long prec) {
      int extraprec = 10;
      BigInteger s = BigInteger.ZERO;
      for (long[] c : coefs) {
        s = s.add(BigInteger.valueOf(c[0]).multiply(acothFixed(c[1], prec + extraprec)));
      }
      return s.shiftRight(extraprec);
    }

    /** bs_chudnovsky(a, b): g, p, q. */
    private static BigInteger[] bsChudnovsky(long a, long b) {
      if (b - a == 1) {
        BigInteger bb = BigInteger.valueOf(b);
        BigInteger g = BigInteger.valueOf(6 * b - 5).multiply(BigInteger.valueOf(2 * b - 1))
            .multiply(BigInteger.valueOf(6 * b - 1));
        BigInteger p = floorDiv(bb.pow(3).multiply(CHUD_C.pow(3)), BigInteger.valueOf(24));
        BigInteger q = g.multiply(CHUD_A.add(CHUD_B.multiply(bb)));
        if ((b & 1) == 1) {
          q = q.negate();
        }
        return new BigInteger[] {g, p, q};
      }
      long mid = Math.floorDiv(a + b, 2);
      BigInteger[] x = bsChudnovsky(a, mid);
      BigInteger[] y = bsChudnovsky(mid, b);
      return new BigInteger[] {x[0].multiply(y[0]), x[1].multiply(y[1]),
          x[2].multiply(y[1]).add(y[2].multiply(x[0]))};
    }

    static BigInteger piFixedUncached(long prec) {
      long n = (long) (prec / 3.3219280948 / 14.181647462 + 2);
      BigInteger[] gpq = bsChudnovsky(0, n);
      BigInteger p = gpq[1];
      BigInteger q = gpq[2];
      BigInteger sqrtC = isqrtFast(CHUD_C.shiftLeft((int) (2 * prec)));
      return floorDiv(p.multiply(CHUD_C).multiply(sqrtC), q.add(CHUD_A.multiply(p)).multiply(CHUD_D));
    }

    /** def_mpf_constant: the mpf of a fixed-point constant. */
    private static Mpf constant(Memo fixed, long prec, char rnd) {
      long wp = prec + 20;
      BigInteger v = fixed.get(wp);
      if (rnd == UP || rnd == CEILING) {
        v = v.add(BigInteger.ONE);
      }
      return normalize(0, v, -wp, prec, rnd);
    }

    static Mpf pi(long prec, char rnd) {
      return constant(PI, prec, rnd);
    }

    // ---- logarithm (libelefun) ----

    private static int[] cachePrecSteps() {
      List<Integer> steps = new ArrayList<>(List.of(22, 22));
      int bits = 32 - Integer.numberOfLeadingZeros(LOG_TAYLOR_PREC);
      for (int k = 1; k <= bits; k++) {
        int v = Math.min(1 << k, LOG_TAYLOR_PREC) + 20;
        for (int i = 0; i < 1 << (k - 1); i++) {
          steps.add(v);
        }
      }
      return steps.stream().mapToInt(Integer::intValue).toArray();
    }

    /** log_taylor(x, prec, r): fixed-point log of x near 1, after r square roots. */
    static BigInteger logTaylor(BigInteger x, long prec, int r) {
      for (int i = 0; i < r; i++) {
        x = isqrtFast(lshift(x, prec));
      }
      BigInteger one = BigInteger.ONE.shiftLeft((int) prec);
      BigInteger v = floorDiv(lshift(x.subtract(one), prec), x.add(one));
      boolean negative = v.signum() < 0;
      if (negative) {
        v = v.negate();
      }
      BigInteger v2 = rshift(v.multiply(v), prec);
      BigInteger v4 = rshift(v2.multiply(v2), prec);
      BigInteger s0 = v;
      BigInteger s1 = floorDiv(v, BigInteger.valueOf(3));
      v = rshift(v.multiply(v4), prec);
      long k = 5;
      while (v.signum() != 0) {
        s0 = s0.add(floorDiv(v, BigInteger.valueOf(k)));
        k += 2;
        s1 = s1.add(floorDiv(v, BigInteger.valueOf(k)));
        v = rshift(v.multiply(v4), prec);
        k += 2;
      }
      s1 = rshift(s1.multiply(v2), prec);
      BigInteger s = lshift(s0.add(s1), 1 + r);
      return negative ? s.negate() : s;
    }

    /** log_taylor_cached(x, prec): x in (0.5, 2) as a fixed-point number, prec at most LOG_TAYLOR_PREC. */
    static BigInteger logTaylorCached(BigInteger x, long prec) {
      BigInteger n = rshift(x, prec - LOG_TAYLOR_SHIFT);
      int cachedPrec = CACHE_PREC_STEPS[(int) prec];
      long dprec = cachedPrec - prec;
      BigInteger[] cached = LOG_TAYLOR_CACHE.computeIfAbsent(List.of(n.intValueExact(), cachedPrec), key -> {
        BigInteger a = lshift(n, cachedPrec - LOG_TAYLOR_SHIFT);
        return new BigInteger[] {a, logTaylor(a, cachedPrec, 8)};
      });
      BigInteger a = rshift(cached[0], dprec);
      BigInteger logA = rshift(cached[1], dprec);
      BigInteger u = floorDiv(lshift(x.subtract(a), prec), a);
      BigInteger v = floorDiv(lshift(u, prec), TWO.shiftLeft((int) prec).add(u));
      BigInteger v2 = rshift(v.multiply(v), prec);
      BigInteger v4 = rshift(v2.multiply(v2), prec);
      BigInteger s0 = v;
      BigInteger s1 = floorDiv(v, BigInteger.valueOf(3));
      v = rshift(v.multiply(v4), prec);
      long k = 5;
      while (v.signum() != 0) {
        s0 = s0.add(floorDiv(v, BigInteger.valueOf(k)));
        k += 2;
        s1 = s1.add(floorDiv(v, BigInteger.valueOf(k)));
        v = rshift(v.multiply(v4), prec);
        k += 2;
      }
      s1 = rshift(s1.multiply(v2), prec);
      BigInteger s = s0.add(s1).shiftLeft(1);
      return logA.add(s);
    }

    /** agm_fixed(a, b, prec). */
    private static BigInteger agmFixed(BigInteger a, BigInteger b) {
      int i = 0;
      BigInteger eight = BigInteger.valueOf(8);
      while (true) {
        BigInteger anew = a.add(b).shiftRight(1);
        if (i > 4 && a.subtract(anew).abs().compareTo(eight) < 0) {
          return a;
        }
        b = isqrtFast(a.multiply(b));
        a = anew;
        i += 1;
      }
    }

    /** log_agm(x, prec): -log(x) for 0 &lt; x &lt; 1 in fixed point. */
    private static BigInteger logAgm(BigInteger x, long prec) {
      BigInteger x2 = rshift(x.multiply(x), prec);
      BigInteger s = x2;
      BigInteger a = x2;
      BigInteger b = x2;
      while (a.signum() != 0) {
        b = rshift(b.multiply(x2), prec);
        a = rshift(a.multiply(b), prec);
        s = s.add(a);
      }
      s = s.add(BigInteger.ONE.shiftLeft((int) prec));
      s = rshift(s.multiply(s), prec - 2);
      s = rshift(s.multiply(isqrtFast(lshift(x, prec))), prec);
      BigInteger t = x;
      a = x;
      b = x;
      while (a.signum() != 0) {
        b = rshift(b.multiply(x2), prec);
        a = rshift(a.multiply(b), prec);
        t = t.add(a);
      }
      t = BigInteger.ONE.shiftLeft((int) prec).add(t.shiftLeft(1));
      t = rshift(t.multiply(t), prec);
      BigInteger p = agmFixed(s, t);
      return floorDiv(lshift(piFixed(prec), prec), p);
    }

    /** Signals libelefun's ComplexResult (the logarithm of a negative number). */
    static final class ComplexResult extends RuntimeException {
      ComplexResult() {
        super("logarithm of a negative number", null, false, false);
      }
    }

    /** libelefun.mpf_log. */
    static Mpf log(Mpf x, long prec, char rnd) {
      int sign = x.sign();
      BigInteger man = x.man();
      long exp = x.exp();
      long bc = x.bc();
      if (man.signum() == 0) {
        if (x.equals(FZERO)) {
          return FNINF;
        }
        if (x.equals(FINF)) {
          return FINF;
        }
        if (x.equals(FNAN)) {
          return FNAN;
        }
      }
      if (sign == 1) {
        throw new ComplexResult();
      }
      long wp = prec + 20;
      if (man.equals(BigInteger.ONE)) {
        if (exp == 0) {
          return FZERO;
        }
        return fromManExp(BigInteger.valueOf(exp).multiply(ln2Fixed(wp)), -wp, prec, rnd);
      }
      long mag = exp + bc;
      long absMag = Math.abs(mag);
      if (absMag <= 1) {
        long tsign = 1 - absMag;
        BigInteger tman = tsign != 0 ? BigInteger.ONE.shiftLeft((int) bc).subtract(man)
            : man.subtract(BigInteger.ONE.shiftLeft((int) (bc - 1)));
        long tbc = tman.bitLength();
        long cancellation = bc - tbc;
        if (cancellation > wp) {
          Mpf t = normalize((int) tsign, tman, absMag - bc, tbc, NEAREST);
          return pos(t, prec, rnd); // mpf_perturb with rounding to nearest
        }
        wp += cancellation;
      }
      if (absMag > 10000) {
        if (64 - Long.numberOfLeadingZeros(absMag) > wp) {
          return fromManExp(BigInteger.valueOf(exp).multiply(ln2Fixed(wp)), -wp, prec, rnd);
        }
      }
      BigInteger m;
      if (wp <= LOG_TAYLOR_PREC) {
        m = logTaylorCached(lshift(man, wp - bc), wp);
        if (mag != 0) {
          m = m.add(BigInteger.valueOf(mag).multiply(ln2Fixed(wp)));
        }
      } else {
        long optimalMag = Math.floorDiv(-wp, LOG_AGM_MAG_PREC_RATIO);
        long n = optimalMag - mag;
        Mpf xs = shift(x, n);
        wp += -optimalMag;
        m = logAgm(toFixed(xs, wp), wp).negate();
        m = m.subtract(BigInteger.valueOf(n).multiply(ln2Fixed(wp)));
      }
      return fromManExp(m, -wp, prec, rnd);
    }

    /** libmpc.mpc_log of a real argument {@code (x, 0)}: mpf_log_hypot(x, 0) and mpf_atan2(0, x). */
    static Mpc logOfReal(Mpf x, long prec, char rnd) {
      Mpf re;
      if (x.man().signum() == 0) {
        // log_hypot with both parts inf/nan/0
        re = x.equals(FZERO) ? FNINF : x.equals(FNAN) ? FNAN : FINF;
      } else {
        re = log(abs(x), prec, rnd);
      }
      Mpf im;
      if (!x.equals(FNAN)) {
        im = signOf(x) >= 0 ? FZERO : pi(prec, rnd);
      } else {
        im = FNAN;
      }
      return new Mpc(re, im);
    }

    /** libmpc.mpc_div_mpf. */
    static Mpc divMpcMpf(Mpc z, Mpf p, long prec, char rnd) {
      return new Mpc(div(z.re(), p, prec, rnd), div(z.im(), p, prec, rnd));
    }

    /** libmpc.mpc_mpf_div: p / z for a real p. */
    static Mpc divMpfMpc(Mpf p, Mpc z, long prec, char rnd) {
      Mpf a = z.re();
      Mpf b = z.im();
      Mpf m = add(mul(a, a, 0, FAST), mul(b, b, 0, FAST), prec + 10, FAST, false);
      Mpf re = div(mul(a, p, 0, FAST), m, prec, rnd);
      Mpf im = div(neg(mul(b, p, 0, FAST)), m, prec, rnd);
      return new Mpc(re, im);
    }

    /** libmpc.mpc_div. */
    static Mpc divMpc(Mpc z, Mpc w, long prec, char rnd) {
      Mpf a = z.re();
      Mpf b = z.im();
      Mpf c = w.re();
      Mpf d = w.im();
      long wp = prec + 10;
      Mpf mag = add(mul(c, c, 0, FAST), mul(d, d, 0, FAST), wp, FAST, false);
      Mpf t = add(mul(a, c, 0, FAST), mul(b, d, 0, FAST), wp, FAST, false);
      Mpf u = add(mul(b, c, 0, FAST), mul(a, d, 0, FAST), wp, FAST, true);
      return new Mpc(div(t, mag, prec, rnd), div(u, mag, prec, rnd));
    }

    // ---- printing (libmpf.to_str) ----

    /** to_digits_exp(s, dps): sign, digits (rounded toward zero), decimal exponent. */
    private static Object[] toDigitsExp(Mpf s, long dps) {
      String sign = "";
      if (s.sign() == 1) {
        sign = "-";
        s = neg(s);
      }
      if (s.man().signum() == 0) {
        return new Object[] {"", "0", 0L};
      }
      long bitprec = (long) (dps * LOG2_10) + 10;
      long expFrom1 = s.exp() + s.bc();
      long exponent = 0;
      if (Math.abs(expFrom1) > 3500) {
        long e = s.exp();
        long expprec = (64 - Long.numberOfLeadingZeros(Math.abs(e))) + 5;
        Mpf tmp = fromInt(BigInteger.valueOf(e));
        tmp = mul(tmp, constant(LN2, expprec, FAST), 0, FAST);
        tmp = div(tmp, constant(LN10, expprec, FAST), expprec, FAST);
        long b = toInt(tmp).longValueExact();
        s = div(s, powInt(FTEN, b, bitprec, FAST), bitprec, FAST);
        exponent = b;
      }
      long fixprec = Math.max(bitprec - s.exp() - s.bc(), 0);
      long fixdps = (long) (fixprec / LOG2_10 + 0.5);
      BigInteger sf = toFixed(s, fixprec);
      BigInteger sd = rshift(sf.multiply(pow10(fixdps)), fixprec);
      String digits = sd.toString();
      exponent += digits.length() - fixdps - 1;
      return new Object[] {sign, digits, exponent};
    }

    /** libmpf.to_str(s, dps) with its defaults. */
    static String toStr(Mpf s, long dps) {
      if (s.man().signum() == 0) {
        if (s.equals(FZERO)) {
          return dps != 0 ? "0.0" : ".0";
        }
        if (s.equals(FINF)) {
          return "+inf";
        }
        if (s.equals(FNINF)) {
          return "-inf";
        }
        if (s.equals(FNAN)) {
          return "nan";
        }
        throw PyException.valueError("");
      }
      long minFixed = Math.min(-Math.floorDiv(dps, 3), -5);
      long maxFixed = dps;
      Object[] sde = toDigitsExp(s, dps + 3);
      String sign = (String) sde[0];
      String digits = (String) sde[1];
      long exponent = (Long) sde[2];
      if (dps == 0) {
        if ("56789".indexOf(digits.charAt(0)) >= 0) {
          exponent += 1;
        }
        digits = ".0";
      } else {
        int d = (int) dps;
        if (digits.length() > d && "56789".indexOf(digits.charAt(d)) >= 0) {
          digits = digits.substring(0, d);
          int i = d - 1;
          while (i >= 0 && digits.charAt(i) == '9') {
            i -= 1;
          }
          if (i >= 0) {
            digits = digits.substring(0, i) + (char) (digits.charAt(i) + 1) + "0".repeat(d - i - 1);
          } else {
            digits = "1" + "0".repeat(d - 1);
            exponent += 1;
          }
        } else if (digits.length() > d) {
          digits = digits.substring(0, d);
        }
        int split;
        if (minFixed < exponent && exponent < maxFixed) {
          if (exponent < 0) {
            digits = "0".repeat((int) -exponent) + digits;
            split = 1;
          } else {
            split = (int) exponent + 1;
            if (split > d) {
              digits += "0".repeat(split - d);
            }
          }
          exponent = 0;
        } else {
          split = 1;
        }
        digits = digits.substring(0, Math.min(split, digits.length())) + "."
            + (split < digits.length() ? digits.substring(split) : "");
        digits = PyStrings.rstrip(digits, '0');
        if (digits.endsWith(".")) {
          digits += "0";
        }
      }
      if (exponent == 0 && dps != 0) {
        return sign + digits;
      }
      if (exponent >= 0) {
        return sign + digits + "e+" + exponent;
      }
      return sign + digits + "e" + exponent;
    }

    /** libmpf.prec_to_dps. */
    static long precToDps(long n) {
      return Math.max(1, (long) Math.rint(n / 3.3219280948873626) - 1);
    }

    /** libmpf.repr_dps. */
    static long reprDps(long n) {
      long dps = precToDps(n);
      return dps == 15 ? 17 : dps + 3;
    }

    /** mpf.__str__ and __repr__ at the given context (dps for str, prec for repr). */
    static PyMpf value(Mpf x, long dps, long prec) {
      return new PyMpf(toStr(x, dps), "mpf('" + toStr(x, reprDps(prec)) + "')");
    }

    /** mpc.__str__ and __repr__. */
    static PyMpf value(Mpc z, long dps, long prec) {
      String rs = toStr(z.re(), dps);
      String str = z.im().sign() == 1 ? rs + " - " + toStr(neg(z.im()), dps) + "j"
          : rs + " + " + toStr(z.im(), dps) + "j";
      long rd = reprDps(prec);
      String repr = "mpc(real='" + toStr(z.re(), rd) + "', imag='" + toStr(z.im(), rd) + "')";
      return new PyMpf("(" + str + ")", repr);
    }
  }
}
