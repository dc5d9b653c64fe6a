package io.shiq.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shiq model pull|list|init}: bring a model, see which are here, or make a random one. */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = {"Models on this machine: download one from the Hugging Face Hub into its shared cache, list "
        + "the local ones, or write a randomly initialised one.",
        "",
        "Every command's --model takes a path or a repository id of the cache (org/name or org/name@revision)."},
    subcommands = {
        ModelPullCommand.class,
        ModelListCommand.class,
        ModelInitCommand.class,
    })
public final class ModelCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
