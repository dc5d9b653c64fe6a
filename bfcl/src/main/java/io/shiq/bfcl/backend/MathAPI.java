package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyCompare;
import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyMath;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyOperators;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.math.DecimalSqrt;
import io.shiq.bfcl.py.math.FloatPow;
import io.shiq.bfcl.py.math.Mpmath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * BFCL's {@code MathAPI} ({@code func_source_code/math_api.py}): stateless arithmetic tools. Results are the values
 * Python computes: ints stay ints (of any size), floats are IEEE doubles with CPython's operations (int/int true
 * division and {@code round} correctly rounded, {@code **} through float_pow and glibc's pow, see {@link FloatPow}),
 * {@code logarithm} returns mpmath's {@code mpf} (or {@code mpc}) at the requested decimal precision, bit for bit (see
 * {@link Mpmath}), and {@code square_root} returns a {@code Decimal} rounded to the requested digits (see
 * {@link DecimalSqrt}).
 *
 * <p>Known differences: Python's {@code sum} is CPython 3.11's (items added one by one; 3.12 compensates float
 * sums); the cos and sin of a complex power (a negative base to a fractional exponent) are correctly rounded where
 * glibc's are off by an ulp in about 0.3% of arguments; mpmath's complex-string arguments ("2+3j") are not ported.
 */
public class MathAPI extends Backend {
  private static final Map<String, Object> TO_METERS = new LinkedHashMap<>();
  private static final Map<String, Double> CONVERSION = new LinkedHashMap<>();
  private static final String NOT_ALL_NUMBERS = "All elements in the list must be numbers";
  private static final String TOO_LARGE = "Conversion resulted in a value too large to represent";

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
    define("add", a -> binary(() -> PyOperators.add(a.get("a"), a.get("b"))), Param.req("a"), Param.req("b"));
    define("subtract", a -> binary(() -> PyOperators.sub(a.get("a"), a.get("b"))), Param.req("a"), Param.req("b"));
    define("multiply", a -> multiply(a.get("a"), a.get("b")), Param.req("a"), Param.req("b"));
    define("divide", a -> divide(a.get("a"), a.get("b")), Param.req("a"), Param.req("b"));
    define("power", a -> binary(() -> FloatPow.pow(a.get("base"), a.get("exponent"))), Param.req("base"),
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
    return dict("result", value);
  }

  private static Map<String, Object> error(String message) {
    return dict("error", message);
  }

  /**
   * {@code try: return {"result": op()} except <pythonType>: return {"error": message}}, the shape of most of
   * math_api.py's methods; other exceptions leave the method, as in Python.
   */
  private static Object resultOr(String pythonType, String message, Supplier<Object> op) {
    try {
      return result(op.get());
    } catch (PyException e) {
      if (e.type().equals(pythonType)) {
        return error(message);
      }
      throw e;
    }
  }

  /** add, subtract and power: the operation, its TypeError answered with the same message. */
  private static Object binary(Supplier<Object> op) {
    return resultOr("TypeError", "Both inputs must be numbers", op);
  }

  private Object logarithm(Object value, Object base, Object precision) {
    try {
      // mpmath.mp.dps = precision; result = mpmath.log(value) / mpmath.log(base)
      return result(Mpmath.logQuotient(value, base, precision));
    } catch (PyException e) {
      // except Exception as e: return {"error": str(e)}
      return error(e.pyStr());
    }
  }

  private Object mean(Object numbers) {
    if (!Args.truthy(numbers)) {
      return error("Cannot calculate mean of an empty list");
    }
    return resultOr("TypeError", NOT_ALL_NUMBERS, () -> PyOperators.trueDiv(PyMath.sum(numbers),
        PyContainers.len(numbers)));
  }

  private Object standardDeviation(Object numbers) {
    if (!Args.truthy(numbers)) {
      return error("Cannot calculate standard deviation of an empty list");
    }
    return resultOr("TypeError", NOT_ALL_NUMBERS, () -> {
      long n = PyContainers.len(numbers);
      Object mean = PyOperators.trueDiv(PyMath.sum(numbers), n);
      Object squares = 0L;
      for (Object x : PyContainers.iterate(numbers)) {
        Object d = PyOperators.sub(x, mean);
        squares = PyOperators.add(squares, FloatPow.pow(d, 2L));
      }
      Object variance = PyOperators.trueDiv(squares, n);
      // math.sqrt: variance is a float here (a true division); sqrt is correctly rounded in C and Java alike.
      double v = PyNumbers.toDouble(variance);
      if (v < 0) {
        throw PyException.valueError("math domain error");
      }
      return Math.sqrt(v);
    });
  }

  private Object siUnitConversion(Object value, Object unitIn, Object unitOut) {
    if (!PyNumbers.isIntOrFloat(value)) {
      return error("Value must be a number");
    }
    if (!PyContainers.contains(TO_METERS, unitIn) || !PyContainers.contains(TO_METERS, unitOut)) {
      return error("Conversion from '" + PyRepr.str(unitIn) + "' to '" + PyRepr.str(unitOut)
          + "' is not supported");
    }
    return resultOr("OverflowError", TOO_LARGE, () -> {
      Object valueInMeters = PyOperators.mul(value, TO_METERS.get((String) unitIn));
      // from_meters = {unit: 1 / factor}: floats, also for the int factors of km and m
      double fromMeters = 1.0 / PyNumbers.toDouble(TO_METERS.get((String) unitOut));
      return PyOperators.mul(valueInMeters, fromMeters);
    });
  }

  private Object imperialSiConversion(Object value, Object unitIn, Object unitOut) {
    if (!PyNumbers.isIntOrFloat(value)) {
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
    double factor = CONVERSION.get(key);
    return resultOr("OverflowError", TOO_LARGE, () -> {
      if ("celsius".equals(unitIn) && "fahrenheit".equals(unitOut)) {
        return PyOperators.add(PyOperators.mul(value, factor), 32L);
      } else if ("fahrenheit".equals(unitIn) && "celsius".equals(unitOut)) {
        return PyOperators.mul(PyOperators.sub(value, 32L), factor);
      }
      return PyOperators.mul(value, factor);
    });
  }

  private Object multiply(Object a, Object b) {
    if (!PyNumbers.isIntOrFloat(a) || !PyNumbers.isIntOrFloat(b)) {
      return error("Both inputs must be numbers");
    }
    return binary(() -> PyOperators.mul(a, b));
  }

  private Object divide(Object a, Object b) {
    if (PyEquals.equal(b, 0L)) {
      return error("Cannot divide by zero");
    }
    return binary(() -> PyOperators.trueDiv(a, b));
  }

  private Object squareRoot(Object number, Object precision) {
    try {
      if (PyCompare.lessThan(number, 0L)) {
        return error("Cannot calculate square root of a negative number");
      }
      // getcontext().prec = precision; result = Decimal(number).sqrt()
      return result(DecimalSqrt.sqrt(number, precision));
    } catch (PyException e) {
      if (e.type().equals("TypeError")) {
        return error("Input must be a number or computation resulted in an invalid operation");
      }
      throw e;
    }
  }

  private Object absoluteValue(Object number) {
    return resultOr("TypeError", "Input must be a number", () -> PyMath.abs(number));
  }

  private Object roundNumber(Object number, Object decimalPlaces) {
    return resultOr("TypeError", "First input must be a number, second input must be an integer",
        () -> PyMath.round(number, decimalPlaces));
  }

  private Object percentage(Object part, Object whole) {
    if (PyEquals.equal(whole, 0L)) {
      return error("Whole value cannot be zero");
    }
    return binary(() -> PyOperators.mul(PyOperators.trueDiv(part, whole), 100L));
  }

  private Object minMax(Object numbers, boolean min) {
    if (!Args.truthy(numbers)) {
      return error(min ? "Cannot find minimum of an empty list" : "Cannot find maximum of an empty list");
    }
    return resultOr("TypeError", NOT_ALL_NUMBERS, () -> {
      List<Object> items = PyContainers.iterate(numbers);
      if (items.isEmpty()) {
        throw PyException.valueError((min ? "min" : "max") + "() arg is an empty sequence");
      }
      Object best = items.get(0);
      for (Object x : items.subList(1, items.size())) {
        // min keeps the first of equals (x < best); max likewise (x > best)
        if (min ? PyCompare.lessThan(x, best) : PyCompare.greaterThan(x, best)) {
          best = x;
        }
      }
      return best;
    });
  }

  private Object sumValues(Object numbers) {
    if (!Args.truthy(numbers)) {
      return error("Cannot calculate sum of an empty list");
    }
    return resultOr("TypeError", NOT_ALL_NUMBERS, () -> PyMath.sum(numbers));
  }
}
