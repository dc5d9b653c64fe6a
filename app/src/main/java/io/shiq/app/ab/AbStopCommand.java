package io.shiq.app.ab;

import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentStatus;
import io.shiq.schemas.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shiq ab stop ID}: ends an experiment; actors go back to serving the control only. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop an experiment: its record on the experiments topic becomes STOPPED; actors serve the control "
        + "policy to everyone and stop labelling episodes with the experiment; the evaluator records a STOPPED "
        + "decision unless a decision was already made.")
public final class AbStopCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ID", description = "Experiment id.")
  String id;

  @Option(names = "--reason", description = "Why it is stopped (kept in the record).")
  String reason = "stopped with shiq ab stop";

  @Mixin
  AbConnection connection;

  @Override
  public Integer call() {
    KafkaClients kafka = connection.clients();
    Experiment current;
    try (AbLog log = new AbLog(kafka, connection.topics())) {
      current = log.catchUp(Duration.ofSeconds(30)).experiments().get(id);
      if (current == null) {
        throw new IllegalArgumentException("no experiment '" + id + "' on " + connection.topics().experiments()
            + " (known: " + log.experiments().keySet() + ")");
      }
    }
    if (current.getStatus() == ExperimentStatus.STOPPED) {
      System.out.printf("experiment %s is already stopped (%s)%n", id, current.getStatusReason());
      return 0;
    }
    Experiment stopped = Experiment.newBuilder(current).setStatus(ExperimentStatus.STOPPED).setStatusReason(reason)
        .setStopAt(Instant.now()).setUpdatedAt(Instant.now()).build();
    AbLog.send(kafka, connection.topics().experiments(), id, stopped);
    System.out.printf("experiment %s: %s -> STOPPED (%s)%n", id, current.getStatus(), reason);
    return 0;
  }
}
