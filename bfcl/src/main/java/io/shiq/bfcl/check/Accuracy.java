package io.shiq.bfcl.check;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Accuracy per category (correct / entries) and BFCL's multi-turn overall: the unweighted mean of the categories. */
public record Accuracy(Map<String, Double> byCategory, Map<String, int[]> counts, double overall, int entries) {
  public static Accuracy of(List<Verdict> verdicts) {
    Map<String, int[]> counts = new TreeMap<>();
    for (Verdict v : verdicts) {
      int[] c = counts.computeIfAbsent(v.category(), k -> new int[2]);
      c[0] += v.valid() ? 1 : 0;
      c[1]++;
    }
    Map<String, Double> acc = new TreeMap<>();
    counts.forEach((k, c) -> acc.put(k, (double) c[0] / c[1]));
    double overall = acc.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    return new Accuracy(acc, counts, overall, verdicts.size());
  }
}
