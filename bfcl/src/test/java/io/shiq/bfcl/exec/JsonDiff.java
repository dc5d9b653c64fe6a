package io.shiq.bfcl.exec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.TreeSet;

/** The first place two JSON trees differ, as a path with both values, for test messages. */
final class JsonDiff {
  private JsonDiff() {}

  /** Null when equal (object key order ignored; 5 and 5.0 differ, as Python's int and float do in the golden). */
  static String first(JsonNode expected, JsonNode actual, String path) {
    if (expected.equals(actual)) {
      return null;
    }
    if (expected.isObject() && actual.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      expected.fieldNames().forEachRemaining(keys::add);
      actual.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        if (!expected.has(k)) {
          return path + "/" + k + ": unexpected, got " + brief(actual.get(k));
        }
        if (!actual.has(k)) {
          return path + "/" + k + ": missing, expected " + brief(expected.get(k));
        }
        String d = first(expected.get(k), actual.get(k), path + "/" + k);
        if (d != null) {
          return d;
        }
      }
    }
    if (expected.isArray() && actual.isArray()) {
      Iterator<JsonNode> e = expected.iterator();
      Iterator<JsonNode> a = actual.iterator();
      for (int i = 0; e.hasNext() && a.hasNext(); i++) {
        String d = first(e.next(), a.next(), path + "/" + i);
        if (d != null) {
          return d;
        }
      }
      return path + ": " + expected.size() + " items expected, got " + actual.size();
    }
    return path + ": expected " + brief(expected) + " (" + expected.getNodeType() + (expected.isNumber()
        ? " " + expected.numberType() : "") + "), got " + brief(actual) + " (" + actual.getNodeType()
        + (actual.isNumber() ? " " + actual.numberType() : "") + ")";
  }

  private static String brief(JsonNode n) {
    String s = n.toString();
    return s.length() > 160 ? s.substring(0, 160) + "..." : s;
  }

}
