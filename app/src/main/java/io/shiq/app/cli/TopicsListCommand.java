package io.shiq.app.cli;

import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shiq topics list}: the catalog, without a broker. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the topic catalog (no broker needed): name, partitions, cleanup policy, retention, the Avro "
        + "record of the values and what the topic is for.")
public final class TopicsListCommand implements Callable<Integer> {
  @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  @Override
  public Integer call() {
    Topics topics = new Topics(topicPrefix);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TOPIC", "PARTITIONS", "CLEANUP", "RETENTION", "VALUE", "PURPOSE"});
    for (TopicSpec spec : Topics.ALL) {
      rows.add(new String[] {topics.name(spec), Integer.toString(spec.partitions()),
          spec.compacted() ? "compact" : "delete", TopicsCommand.retention(spec),
          spec.valueType() == null ? "bytes" : spec.valueType().getSimpleName(), spec.description()});
    }
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
      }
      System.out.println(line.toString().stripTrailing());
    }
    return 0;
  }
}
