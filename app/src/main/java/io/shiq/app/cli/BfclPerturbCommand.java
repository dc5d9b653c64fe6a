package io.shiq.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shiq bfcl perturb}: failed sessions made from the ground truth, for when no logged model run is at hand.
 * They are synthetic and say so in their ids' file; a real run logs a model's own failures instead.
 */
@Command(name = "perturb", mixinStandardHelpOptions = true,
    description = "Write a BFCL result file of failed sessions made by perturbing the ground truth: per record and "
        + "copy, one call of one non-empty turn is deleted (the other turns are the ground truth's calls). Steps "
        + "are decoded call strings, one step per turn, the format 'shiq bfcl check' and 'shiq bfcl import' read. "
        + "Synthetic failures for demonstrations and tests, not a model's own.")
public final class BfclPerturbCommand implements Callable<Integer> {
  @Mixin
  BfclOptions bfcl;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Result file to write (JSON lines).")
  Path out;

  @Option(names = "--copies", description = "Perturbed sessions per record (default: ${DEFAULT-VALUE}).")
  int copies = 1;

  @Option(names = "--seed", description = "Which calls are deleted (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--category", paramLabel = "C", description = "Only records of this category (repeatable) "
      + "(default: all).")
  List<String> categories = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (copies < 1) {
      throw new IllegalArgumentException("--copies must be >= 1, got " + copies);
    }
    ObjectMapper json = new ObjectMapper();
    SplittableRandom rnd = new SplittableRandom(seed);
    int written = 0;
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (BfclRecord r : BfclData.load(bfcl.data(), categories)) {
        for (int c = 0; c < copies; c++) {
          List<List<List<String>>> result = perturbed(r.groundTruth(), rnd);
          ObjectNode line = json.createObjectNode();
          line.put("id", r.id());
          line.set("result", json.valueToTree(result));
          line.put("perturbation", "one ground-truth call deleted");
          w.write(json.writeValueAsString(line));
          w.newLine();
          written++;
        }
      }
    }
    System.out.printf("{\"bfcl\":\"perturb\",\"sessions\":%d,\"out\":\"%s\"}%n", written, out);
    return 0;
  }

  /** The ground truth with one call of one non-empty turn deleted: [turn][step][call], one step per turn. */
  static List<List<List<String>>> perturbed(List<List<String>> truth, SplittableRandom rnd) {
    List<Integer> nonEmpty = new ArrayList<>();
    for (int t = 0; t < truth.size(); t++) {
      if (!truth.get(t).isEmpty()) {
        nonEmpty.add(t);
      }
    }
    int victimTurn = nonEmpty.isEmpty() ? -1 : nonEmpty.get(rnd.nextInt(nonEmpty.size()));
    List<List<List<String>>> out = new ArrayList<>();
    for (int t = 0; t < truth.size(); t++) {
      List<String> calls = new ArrayList<>(truth.get(t));
      if (t == victimTurn) {
        calls.remove(rnd.nextInt(calls.size()));
      }
      out.add(List.of(calls)); // a turn without calls is one step that calls nothing
    }
    return out;
  }
}
