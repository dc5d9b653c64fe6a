package io.shiq.app.cli;

import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.exec.StateJson;
import io.shiq.bfcl.py.PyJson;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq bfcl execute}: every record's ground truth, turn by turn, with result strings and states. */
@Command(name = "execute", mixinStandardHelpOptions = true,
    description = "Run the ground truth of every multi-turn record found in --data (BFCL's layout: "
        + "BFCL_v4_multi_turn_<category>.json and possible_answer/) turn by turn on one set of class instances per "
        + "record, and write one line per record: {\"id\", \"execution_results\" [turn][call], \"state_after_turn\" "
        + "[turn]{class: canonical state}}, in the form of BFCL's golden files.")
public final class BfclExecuteCommand implements Callable<Integer> {
  @Mixin
  BfclOptions bfcl;

  @Option(names = "--category", paramLabel = "C", description = "Only this category (repeatable): base, miss_func, "
      + "miss_param, long_context, ... (default: every multi-turn file in --data).")
  List<String> categories = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "FILE.jsonl", description = "Where to write the lines.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Clock clock = bfcl.clock();
    long t0 = System.nanoTime();
    List<BfclRecord> records = BfclData.load(bfcl.data(), categories);
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    int calls = 0;
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (BfclRecord r : records) {
        ExecutionSession session = new ExecutionSession(r.initialConfig(), r.involvedClasses(), r.longContext(),
            b -> b.setClock(clock));
        List<List<String>> results = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (List<String> turn : r.groundTruth()) {
          results.add(session.execute(turn));
          calls += turn.size();
          states.add(StateJson.text(session.instances()));
        }
        w.write("{\"id\": " + PyJson.dumps(r.id()) + ", \"execution_results\": " + PyJson.dumps(results)
            + ", \"state_after_turn\": [" + String.join(", ", states) + "]}");
        w.newLine();
      }
    }
    System.out.printf("bfcl execute: %d records, %d calls in %.1f s -> %s%n", records.size(), calls,
        (System.nanoTime() - t0) / 1e9, out);
    return 0;
  }
}
