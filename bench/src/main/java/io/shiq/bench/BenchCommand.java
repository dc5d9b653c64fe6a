package io.shiq.bench;

import io.shiq.bench.ActorBenchmark;
import io.shiq.bench.GenerateBenchmark;
import io.shiq.bench.ReplayBenchmark;
import io.shiq.bench.SerdeBenchmark;
import io.shiq.bench.StoriesBenchmark;
import io.shiq.bench.SyntheticBenchmark;
import io.shiq.bench.WeightsBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code shiq bench NAME}: benchmarks that print their figures against a baseline measured in the same run, and
 * end with one JSON line holding them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark. Each prints a table, the ratio against a baseline measured in the same run, and ends with one JSON line of its figures.",
    subcommands = {
        SerdeBenchmark.class,
        GenerateBenchmark.class,
        SyntheticBenchmark.class,
        StoriesBenchmark.class,
        ReplayBenchmark.class,
        WeightsBenchmark.class,
        ActorBenchmark.class,
        BfclBenchmark.class,
        LearnerBenchmark.class,
        AbCalibrationBenchmark.class,
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
