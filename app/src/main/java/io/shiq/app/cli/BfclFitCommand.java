package io.shiq.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.app.bfcl.ExpertFit;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.envs.Environments;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.envs.bfcl.BfclSessionReplay;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.cli.ModelOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq bfcl fit}: teacher-forced fit of a policy to the records' expert sessions. */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = "Score how closely a policy fits the ground-truth sessions of BFCL records, teacher-forced (the "
        + "sessions 'shiq bfcl import --ground-truth' writes, in the model's template): mean log-probability of "
        + "the tokens the policy would write, the share of them that are its most likely token, and the sessions "
        + "where all are (greedy decoding reproduces those exactly). A finer measure of learning than accuracy, "
        + "which moves only when a whole session is right. Ends with one JSON line {\"bfcl\":\"fit\",...}.")
public final class BfclFitCommand implements Callable<Integer> {
  @Mixin
  BfclOptions bfcl;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--category", paramLabel = "C", description = "Only this category (repeatable) (default: every "
      + "category in --data).")
  List<String> categories = new ArrayList<>();

  @Option(names = "--limit", paramLabel = "N", description = "At most N records (in file order; 0: all; default: "
      + "${DEFAULT-VALUE}).")
  int limit = 0;

  @Override
  public Integer call() throws Exception {
    try (PolicyModel model = modelOptions.load()) {
      BfclEnvironment env = (BfclEnvironment) Environments.create("bfcl", model.tokenizer(), bfcl.data(),
          categories, bfcl.clock());
      List<BfclTask> tasks = limit <= 0 ? env.tasks() : env.tasks().subList(0, Math.min(limit, env.tasks().size()));
      ExpertFit fit = new ExpertFit(env, model.model());
      Map<String, double[]> byCategory = new LinkedHashMap<>(); // logprob sum, tokens, hits, sessions, exact
      double[] all = new double[5];
      int skipped = 0;
      long t0 = System.nanoTime();
      for (BfclTask task : tasks) {
        ExpertFit.Session s;
        try {
          s = fit.score(task);
        } catch (BfclSessionReplay.RebuildException e) {
          System.err.println("bfcl fit: skipping " + e.getMessage());
          skipped++;
          continue;
        }
        for (double[] acc : List.of(byCategory.computeIfAbsent(s.category(), c -> new double[5]), all)) {
          acc[0] += s.logProbSum();
          acc[1] += s.actionTokens();
          acc[2] += s.argmaxHits();
          acc[3] += 1;
          acc[4] += s.exact() ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "  %-28s %6d tokens, %4d action: mean log-prob %8.3f, argmax %5.1f%%%s%n",
            s.id(), s.tokens(), s.actionTokens(), s.logProbSum() / Math.max(1, s.actionTokens()),
            100.0 * s.argmaxHits() / Math.max(1, s.actionTokens()), s.exact() ? ", exact" : "");
      }
      ObjectMapper json = new ObjectMapper();
      ObjectNode last = json.createObjectNode().put("bfcl", "fit");
      last.put("entries", (int) all[3]);
      last.put("skipped", skipped);
      ObjectNode cats = last.putObject("categories");
      byCategory.forEach((c, a) -> {
        System.out.printf(Locale.ROOT, "%-16s mean log-prob %.3f, argmax %.1f%%, exact sessions %d/%d%n", c,
            a[0] / a[1], 100 * a[2] / a[1], (int) a[4], (int) a[3]);
        cats.putObject(c).put("mean_logprob", round(a[0] / a[1])).put("token_accuracy", round(a[2] / a[1]))
            .put("exact_sessions", (int) a[4]).put("sessions", (int) a[3]);
      });
      last.put("mean_logprob", round(all[0] / Math.max(1, all[1])));
      last.put("token_accuracy", round(all[2] / Math.max(1, all[1])));
      last.put("exact_sessions", (int) all[4]);
      last.put("action_tokens", (long) all[1]);
      last.put("model", model.source());
      last.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
      System.out.println(json.writeValueAsString(last));
      return 0;
    }
  }

  private static double round(double x) {
    return Math.round(x * 10000) / 10000.0;
  }
}
