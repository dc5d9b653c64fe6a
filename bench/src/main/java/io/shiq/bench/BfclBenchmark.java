package io.shiq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.bfcl.check.MultiTurnChecker;
import io.shiq.bfcl.check.Verdict;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.exec.StateJson;
import io.shiq.bfcl.py.PyJson;
import io.shiq.policy.DataDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench bfcl}: records per second through BFCL's executor (ground truth turn by turn, with the
 * canonical state after every turn, as {@code shiq bfcl execute}) and through the checker (the ground truth fed back
 * as a model result), against the JSON floor: parsing the same records' lines and printing their ground truths as
 * JSON in the same run. The shared sample has 64 records; the benchmark cycles through them up to --records (BFCL's
 * full multi-turn data has 800).
 */
@Command(name = "bfcl", mixinStandardHelpOptions = true,
    description = "Records/s of the BFCL executor (with states) and checker over the shared records, cycled to "
        + "--records, vs parsing and printing the same records' JSON.")
public final class BfclBenchmark implements Callable<Integer> {
  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory holding bfcl/ (default: "
      + "$SHIQ_DATA, then ../shared/data).")
  Path dataDir;

  @Option(names = "--records", description = "Records to execute and to check (default: ${DEFAULT-VALUE}, the size "
      + "of BFCL's multi-turn data).")
  int records = 800;

  @Override
  public Integer call() throws Exception {
    Path dir = DataDirectory.find(dataDir, "bfcl").orElseThrow(() -> new IllegalArgumentException(
        "no bfcl/ in a data directory (--data-dir, $SHIQ_DATA or ../shared/data)"));
    List<BfclRecord> all = BfclData.load(dir, List.of());
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> results = new ArrayList<>();
    for (BfclRecord r : all) {
      List<List<List<String>>> steps = new ArrayList<>();
      r.groundTruth().forEach(t -> steps.add(t.isEmpty() ? List.of() : List.of(t)));
      results.add(json.valueToTree(steps));
    }
    long t0 = System.nanoTime();
    long chars = 0;
    for (int i = 0; i < records; i++) {
      BfclRecord r = all.get(i % all.size());
      chars += json.readTree(json.writeValueAsString(r.initialConfig())).size();
      chars += PyJson.dumps(r.groundTruth()).length();
    }
    double jsonSeconds = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    long calls = 0;
    for (int i = 0; i < records; i++) {
      BfclRecord r = all.get(i % all.size());
      ExecutionSession s = new ExecutionSession(r.initialConfig(), r.involvedClasses(), r.longContext());
      for (List<String> turn : r.groundTruth()) {
        chars += s.execute(turn).size();
        chars += StateJson.text(s.instances()).length();
        calls += turn.size();
      }
    }
    double executeSeconds = (System.nanoTime() - t1) / 1e9;
    long t2 = System.nanoTime();
    int valid = 0;
    for (int i = 0; i < records; i++) {
      Verdict v = MultiTurnChecker.check(all.get(i % all.size()), results.get(i % all.size()));
      valid += v.valid() ? 1 : 0;
    }
    double checkSeconds = (System.nanoTime() - t2) / 1e9;
    System.out.printf(Locale.ROOT, "%d records (%d distinct, %d calls): execute %.2f s (%.0f records/s), check %.2f s "
            + "(%.0f records/s, %d valid); JSON floor %.2f s; execute/JSON %.1fx%n", records, all.size(), calls,
        executeSeconds, records / executeSeconds, checkSeconds, records / checkSeconds, valid, jsonSeconds,
        executeSeconds / jsonSeconds);
    System.out.printf(Locale.ROOT, "{\"bench\":\"bfcl\",\"records\":%d,\"calls\":%d,\"execute_seconds\":%.3f,"
            + "\"execute_records_per_s\":%.1f,\"check_seconds\":%.3f,\"check_records_per_s\":%.1f,\"check_valid\":%d,"
            + "\"json_floor_seconds\":%.3f,\"execute_vs_json_floor\":%.2f,\"checksum\":%d}%n", records, calls,
        executeSeconds, records / executeSeconds, checkSeconds, records / checkSeconds, valid, jsonSeconds,
        executeSeconds / jsonSeconds, chars);
    return valid == records ? 0 : 1;
  }
}
