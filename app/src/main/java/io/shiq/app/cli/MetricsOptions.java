package io.shiq.app.cli;

import io.shiq.app.metrics.MetricsEndpoint;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The Prometheus endpoint option of every long-running command. */
public final class MetricsOptions {
  @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus metrics on "
      + "http://localhost:PORT/metrics (0: a free port; -1: off; default: ${DEFAULT-VALUE}).")
  int port = -1;

  /** Starts the endpoint, or only a registry when it is off, and prints where to scrape it. */
  public MetricsEndpoint start(Consumer<String> console) {
    MetricsEndpoint metrics = port < 0 ? MetricsEndpoint.disabled() : MetricsEndpoint.start(port);
    if (metrics.url() != null) {
      console.accept("metrics: " + metrics.url());
    }
    return metrics;
  }
}
