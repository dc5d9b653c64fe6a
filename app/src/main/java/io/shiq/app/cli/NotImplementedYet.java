package io.shiq.app.cli;

import io.shiq.app.ShiqCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Commands whose issue is not done yet. They are declared now so the command set is fixed and every later issue
 * fills its own; until then they exit with status 3 and say which issue builds them.
 */
public final class NotImplementedYet {
  private NotImplementedYet() {}

  static int refuse(String command, int issue, String what) {
    System.err.println("shiq " + command + ": not implemented yet (" + what + " is built by issue #" + issue + ").");
    return ShiqCommand.EXIT_NOT_IMPLEMENTED;
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Run the whole online loop in one JVM (embedded Kafka, replay, learner, actors) and write a "
          + "report. Not implemented yet: issue #7.")
  public static final class Demo implements Callable<Integer> {
    @Override
    public Integer call() {
      return refuse("demo", 7, "the one-command demo");
    }
  }

  @Command(name = "learner", mixinStandardHelpOptions = true,
      description = "Run the learner: ShiQ updates on replay batches, new policy versions to the actors. "
          + "Not implemented yet: issue #7.")
  public static final class Learner implements Callable<Integer> {
    @Override
    public Integer call() {
      return refuse("learner", 7, "the learner service");
    }
  }
}
