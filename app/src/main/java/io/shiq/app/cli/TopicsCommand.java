package io.shiq.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shiq topics create|list|manifest}: the topic catalog on a broker, on screen, or as Kubernetes resources. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = {"The topic catalog: every topic of the architecture, declared once in the code (names are the "
        + "topic prefix + the role, e.g. shiq.trajectories). Create them on a broker, list them, or write them as "
        + "Strimzi resources (KafkaTopic, and KafkaUser per role with its ACLs, and the Kafka cluster itself)."},
    subcommands = {
        TopicsCreateCommand.class,
        TopicsListCommand.class,
        TopicsManifestCommand.class,
    })
public final class TopicsCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** A retention for people: 7d, 36h, 1500ms, forever. */
  static String retention(io.shiq.schemas.topic.TopicSpec spec) {
    if (spec.compacted()) {
      return "latest per key";
    }
    long ms = spec.retentionMs();
    if (ms < 0) {
      return "forever";
    }
    long hour = 3_600_000L;
    if (ms > 0 && ms % (24 * hour) == 0) {
      return ms / (24 * hour) + "d";
    }
    if (ms > 0 && ms % hour == 0) {
      return ms / hour + "h";
    }
    return ms + "ms";
  }
}
