package io.shiq.bfcl.data;

import java.util.List;
import java.util.Map;

/**
 * One multi-turn record of BFCL's data and its ground truth.
 *
 * @param id              e.g. multi_turn_base_0
 * @param category        from the file name: base, miss_func, miss_param, long_context, ...
 * @param initialConfig   per class name, the scenario its instance loads (Python values)
 * @param involvedClasses class names, in the record's order
 * @param groundTruth     per turn, the ground-truth call strings
 */
public record BfclRecord(String id, String category, Map<String, Object> initialConfig, List<String> involvedClasses,
                         List<List<String>> groundTruth) {
  /** BFCL's long-context flag: "long_context" or "composite" in the category part of the id. */
  public boolean longContext() {
    String testCategory = id.contains("_") ? id.substring(0, id.lastIndexOf('_')) : id;
    return testCategory.contains("long_context") || testCategory.contains("composite");
  }
}
