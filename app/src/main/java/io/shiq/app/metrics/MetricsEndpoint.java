package io.shiq.app.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A Prometheus scrape endpoint ({@code GET /metrics}) over a Micrometer registry that the learner, the replay buffer
 * and the actors of this process register their meters with. Port 0 picks a free port; {@link #disabled()} gives a
 * registry without an endpoint.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final HttpServer server;

  private MetricsEndpoint(PrometheusMeterRegistry registry, HttpServer server) {
    this.registry = registry;
    this.server = server;
  }

  /** Serves {@code /metrics} on {@code port} of all interfaces. */
  public static MetricsEndpoint start(int port) {
    PrometheusMeterRegistry registry = newRegistry();
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/metrics", exchange -> {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.setExecutor(null);
      server.start();
      return new MetricsEndpoint(registry, server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** The registry only (no HTTP server). */
  public static MetricsEndpoint disabled() {
    return new MetricsEndpoint(newRegistry(), null);
  }

  private static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The scrape text, as {@code /metrics} returns it. */
  public String scrape() {
    return registry.scrape();
  }

  /** The URL of the endpoint, or null when disabled. */
  public String url() {
    return server == null ? null : "http://localhost:" + server.getAddress().getPort() + "/metrics";
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    registry.close();
  }
}
