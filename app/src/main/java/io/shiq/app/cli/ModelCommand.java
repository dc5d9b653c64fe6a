package io.shiq.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shiq model pull|list|init|export}: bring a model, see which are here, make a random one, or export a trained one. */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = {"Models on this machine: download one from the Hugging Face Hub into its shared cache, list "
        + "the local ones, write a randomly initialised one, or export the policy of a learner checkpoint.",
        "",
        "Every command's --model takes a path or a repository id of the cache (org/name or org/name@revision)."},
    subcommands = {
        ModelPullCommand.class,
        ModelListCommand.class,
        ModelInitCommand.class,
        ModelExportCommand.class,
    })
public final class ModelCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
