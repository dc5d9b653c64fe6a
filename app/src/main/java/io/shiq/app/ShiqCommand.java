package io.shiq.app;

import io.shiq.app.cli.ActorCommand;
import io.shiq.bench.BenchCommand;
import io.shiq.app.cli.DemoCommand;
import io.shiq.app.cli.GenerateCommand;
import io.shiq.app.cli.KafkaCommand;
import io.shiq.app.cli.LearnerCommand;
import io.shiq.app.cli.ReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shiq} command line. Each subcommand has its own {@code --help}. */
@Command(name = "shiq",
    mixinStandardHelpOptions = true,
    versionProvider = ShiqCommand.Version.class,
    description = "A Kafka-driven online/offline replay learner that makes LLM agents better from their own traffic and from logged sessions, with the ShiQ token-level Q-learning objective.",
    subcommands = {
        DemoCommand.class,
        KafkaCommand.class,
        GenerateCommand.class,
        ActorCommand.class,
        ReplayCommand.class,
        LearnerCommand.class,
        BenchCommand.class,
        io.shiq.app.cli.ModelCommand.class,
        io.shiq.app.cli.BfclCommand.class,
        io.shiq.app.ab.AbCommand.class,
        io.shiq.app.cli.TopicsCommand.class,
        io.shiq.app.chaos.ChaosCommand.class,
        io.shiq.app.cli.DoctorCommand.class,
        io.shiq.app.cli.KeysCommand.class,
        CommandLine.HelpCommand.class,
    },
    footer = {"", "Run 'shiq COMMAND --help' for the options of one command."})
public final class ShiqCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int status = commandLine().execute(args);
    if (!io.shiq.app.cli.Shutdown.started()) {
      // (after Ctrl-C the JVM is already exiting; System.exit would block the hook waiting for this thread)
      System.exit(status);
    }
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new ShiqCommand());
    // The soak bench runs the app's roles as processes, so it lives in the app, not in the bench module.
    cl.getSubcommands().get("bench").addSubcommand("soak", new io.shiq.app.chaos.SoakBenchmark());
    cl.setUsageHelpAutoWidth(true);
    // SHIQ_FOO_BAR sets --foo-bar of every command (containers); set on the whole tree of subcommands at once.
    cl.setDefaultValueProvider(new io.shiq.app.cli.EnvironmentOptions(System.getenv()));
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      // qualifiedName: "shiq model pull", not just "pull", for subcommands of subcommands.
      commandLine.getErr().println(commandLine.getColorScheme().errorText(commandLine.getCommandSpec()
          .qualifiedName() + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage())));
      if (System.getenv("SHIQ_DEBUG") != null) {
        ex.printStackTrace(commandLine.getErr());
      }
      // One code per cause (bad input 3, unreachable 4, not authorised 5, internal 1): README, "Exit codes".
      return io.shiq.app.cli.ExitCodes.of(ex);
    });
    return cl;
  }

  /** Version from the jar manifest (set by Maven), or "dev" when run from classes. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ShiqCommand.class.getPackage().getImplementationVersion();
      return new String[] {"shiq " + (v == null ? "dev" : v)};
    }
  }
}
