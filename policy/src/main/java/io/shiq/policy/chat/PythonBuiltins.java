package io.shiq.policy.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.lang.reflect.Method;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What transformers' Jinja2 environment has and Jinjava lacks or does differently: the globals
 * {@code raise_exception(msg)} and {@code strftime_now(fmt)}, the filters {@code tojson} ({@link PythonJson}),
 * {@code items} (Jinja2 3.1's) and {@code trim} (Python's {@code str.strip}: Jinjava's strips every control character, and would strip a sentinel
 * made of them), and the tests {@code iterable} and {@code sequence}, which hold for strings and dicts in Python
 * (Llama 3.1 writes a tool result {@code | tojson} when it {@code is iterable}).
 */
final class PythonBuiltins {
  private PythonBuiltins() {}

  /** Thrown by {@code raise_exception}: the template refuses the conversation. */
  static final class RaisedByTemplate extends RuntimeException {
    RaisedByTemplate(String message) {
      super(message);
    }
  }

  static void install(Jinjava jinjava) {
    jinjava.registerFilter(new PythonJson());
    jinjava.registerFilter(new Trim());
    jinjava.registerFilter(new Items());
    jinjava.registerExpTest(new PythonIterable("iterable"));
    jinjava.registerExpTest(new PythonIterable("sequence"));
    jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", method("raiseException")));
    jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", method("strftimeNow")));
  }

  private static Method method(String name) {
    try {
      Method m = PythonBuiltins.class.getDeclaredMethod(name, String.class);
      m.setAccessible(true);
      return m;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unused") // called by templates
  private static String raiseException(String message) {
    throw new RaisedByTemplate(message);
  }

  @SuppressWarnings("unused") // called by templates
  private static String strftimeNow(String format) {
    return StrftimeFormatter.format(ZonedDateTime.now(), format);
  }

  /** Jinja2's {@code trim(value, chars=None)}: {@code str(value).strip(chars)}. */
  private static final class Trim implements Filter {
    @Override
    public String getName() {
      return "trim";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      String s = var == null ? "" : var.toString(); // Jinjava's null is mostly Jinja2's Undefined, which prints ""
      String chars = args.length > 0 ? args[0] : null;
      return PythonStringMethods.rstrip(PythonStringMethods.lstrip(s, chars), chars);
    }
  }

  /** Jinja2's {@code items(mapping)}: its (key, value) pairs, for {@code for k, v in d|items}. */
  private static final class Items implements Filter {
    @Override
    public String getName() {
      return "items";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      if (var == null) {
        return List.of();
      }
      if (var instanceof Map<?, ?> m) {
        return new ArrayList<>(m.entrySet());
      }
      throw new IllegalArgumentException("items: expected a mapping, got " + var.getClass().getSimpleName());
    }
  }

  /**
   * Python's iterable / sequence: lists, tuples, strings and dicts; and null, which in Jinjava is mostly Jinja2's
   * Undefined (iterable, empty).
   */
  private record PythonIterable(String getName) implements ExpTest {
    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      return var == null || var instanceof Iterable<?> || var instanceof CharSequence || var instanceof Map<?, ?>
          || var.getClass().isArray();
    }
  }
}
