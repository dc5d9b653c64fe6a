package io.shiq.bfcl.backend;

import java.lang.reflect.InvocationTargetException;
import java.util.List;

/** The ported classes by BFCL class name. */
public final class Backends {
  /** The classes of BFCL's multi-turn categories (CLASS_FILE_PATH_MAPPING less web search and memory). */
  public static final List<String> NAMES = List.of("GorillaFileSystem", "MathAPI", "MessageAPI", "TwitterAPI",
      "TicketAPI", "TradingBot", "TravelAPI", "VehicleControlAPI");

  private Backends() {}

  /** A new instance of the named class (no scenario loaded yet). */
  public static Backend create(String className) {
    if (!NAMES.contains(className)) {
      throw new IllegalArgumentException("unknown BFCL class '" + className + "'; known: " + NAMES);
    }
    try {
      return (Backend) Class.forName(Backends.class.getPackageName() + "." + className).getDeclaredConstructor()
          .newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("BFCL class " + className + " is not ported yet", e);
    } catch (ReflectiveOperationException e) {
      Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
      throw new IllegalStateException("cannot create " + className + ": " + cause, cause);
    }
  }
}
