package io.shiq.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.bfcl.check.Accuracy;
import io.shiq.bfcl.check.MultiTurnChecker;
import io.shiq.bfcl.check.Verdict;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq bfcl check}: BFCL's multi-turn verdicts and accuracies for a model's decoded calls. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Check model results against the ground truth of the records in --data as BFCL's multi-turn "
        + "checker does; print accuracy per category and, last, one JSON line {\"bfcl\":\"check\",\"entries\":N,"
        + "\"accuracy\":{category: fraction},\"overall\":fraction} (overall: unweighted mean of the categories).")
public final class BfclCheckCommand implements Callable<Integer> {
  @Mixin
  BfclOptions bfcl;

  @Option(names = "--results", required = true, paramLabel = "FILE.jsonl", description = "Model results, one line "
      + "per record: {\"id\", \"result\": [turn][step][call string]} (the decoded calls, what BFCL's checker "
      + "consumes). Records without a line are not scored.")
  Path results;

  @Option(names = "--out", paramLabel = "VERDICTS.jsonl", description = "Also write one verdict line per entry: "
      + "id, category, valid, error_type, error_message, turns (pass/fail/skipped/not_checked), details.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Clock clock = bfcl.clock();
    ObjectMapper json = new ObjectMapper();
    Map<String, BfclRecord> records = new LinkedHashMap<>();
    for (BfclRecord r : BfclData.load(bfcl.data(), List.of())) {
      records.put(r.id(), r);
    }
    List<Verdict> verdicts = new ArrayList<>();
    for (Map.Entry<Integer, JsonNode> line : BfclData.lines(results).entrySet()) {
      String where = results + " line " + line.getKey();
      JsonNode id = line.getValue().get("id");
      if (id == null || !id.isTextual()) {
        throw new IllegalArgumentException(where + ": field 'id' missing or not a string");
      }
      BfclRecord r = records.get(id.asText());
      if (r == null) {
        throw new IllegalArgumentException(where + ": no record " + id.asText() + " in " + bfcl.data());
      }
      verdicts.add(MultiTurnChecker.check(r, line.getValue().get("result"), b -> b.setClock(clock)));
    }
    if (out != null) {
      try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        for (Verdict v : verdicts) {
          ObjectNode n = verdictJson(json, v);
          w.write(json.writeValueAsString(n));
          w.newLine();
        }
      }
    }
    Accuracy acc = Accuracy.of(verdicts);
    printAccuracy(acc);
    ObjectNode last = json.createObjectNode();
    last.put("bfcl", "check");
    last.put("entries", acc.entries());
    last.set("accuracy", json.valueToTree(acc.byCategory()));
    last.put("overall", acc.overall());
    System.out.println(json.writeValueAsString(last));
    return 0;
  }

  /** One verdict as a JSON line: id, category, valid, error_type, error_message, turns, details. */
  static ObjectNode verdictJson(ObjectMapper json, Verdict v) {
    ObjectNode n = json.createObjectNode();
    n.put("id", v.id());
    n.put("category", v.category());
    n.put("valid", v.valid());
    n.put("error_type", v.errorType());
    n.put("error_message", v.errorMessage());
    n.set("turns", json.valueToTree(v.turns()));
    n.set("details", json.valueToTree(v.details()));
    return n;
  }

  /** Accuracy per category, then the unweighted mean, one line each. */
  static void printAccuracy(Accuracy acc) {
    acc.byCategory().forEach((c, a) -> System.out.printf(Locale.ROOT, "%-14s %5.1f%%  (%d/%d)%n", c, 100 * a,
        acc.counts().get(c)[0], acc.counts().get(c)[1]));
    System.out.printf(Locale.ROOT, "%-14s %5.1f%%  (unweighted mean of %d categories, %d entries)%n", "overall",
        100 * acc.overall(), acc.byCategory().size(), acc.entries());
  }
}
