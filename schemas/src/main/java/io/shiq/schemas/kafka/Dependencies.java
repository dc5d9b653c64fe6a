package io.shiq.schemas.kafka;

import io.shiq.schemas.registry.RegistryConnection;
import io.shiq.schemas.registry.RegistryException;
import io.shiq.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Start-up checks of the services a shiq process needs, each bounded in time, so that a wrong address or a broker
 * that is down is reported in seconds with what to do, instead of as a client timeout minutes later.
 *
 * <p>Kafka's admin client retries an unreachable bootstrap address until {@code default.api.timeout.ms}; the check sets
 * that, the request timeout and the connection set-up timeout to the limit, so {@link #broker} returns or throws
 * within it (plus a second of slack). An authentication failure (SASL, TLS) is not retried by the client and comes
 * back at once.
 */
public final class Dependencies {
  /** The default limit of each check: {@code --connect-timeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Dependencies() {}

  /**
   * What the cluster said about itself.
   *
   * @param metadataVersionLevel the finalized {@code metadata.version} feature level (which Kafka release's metadata
   *                             the cluster runs), -1 when the cluster did not say
   */
  public record BrokerInfo(String clusterId, Collection<Node> nodes, short metadataVersionLevel) {}

  /**
   * Asks the cluster at {@code settings.bootstrapServers()} to describe itself, with {@code settings}' security.
   *
   * @throws DependencyException UNREACHABLE when it does not answer within {@code limit}, NOT_AUTHORIZED when it
   *                             refuses the credentials
   */
  public static BrokerInfo broker(KafkaSettings settings, Duration limit) {
    Map<String, Object> c = new HashMap<>();
    settings.client().forEach((k, v) -> {
      if (!RegistryConnection.isRegistryKey(k)) {
        c.put(k, v);
      }
    });
    c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    int ms = (int) Math.max(1000, limit.toMillis());
    // The client's own deadline a little inside the limit, so its answer (or its timeout) comes within it.
    int clientMs = Math.max(500, ms - 500);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, clientMs);
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, clientMs);
    c.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(ms, 10_000));
    c.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, ms);
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "shiq-preflight");
    String where = "Kafka at bootstrap.servers=" + settings.bootstrapServers();
    long start = System.nanoTime();
    try (Admin admin = Admin.create(c)) {
      DescribeClusterResult cluster = admin.describeCluster();
      Collection<Node> nodes = cluster.nodes().get(ms, TimeUnit.MILLISECONDS);
      String id = cluster.clusterId().get(Math.max(1, ms - (System.nanoTime() - start) / 1_000_000),
          TimeUnit.MILLISECONDS);
      short level = -1;
      try {
        FeatureMetadata features = admin.describeFeatures().featureMetadata().get(5, TimeUnit.SECONDS);
        var mv = features.finalizedFeatures().get("metadata.version");
        if (mv != null) {
          level = mv.maxVersionLevel();
        }
      } catch (ExecutionException | TimeoutException e) {
        // older brokers (ZooKeeper mode), or no permission to describe features: the version stays unknown
      }
      return new BrokerInfo(id, nodes, level);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyException(DependencyException.Kind.UNREACHABLE, "Kafka", "interrupted while asking "
          + where, e);
    } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof AuthenticationException) {
        throw new DependencyException(DependencyException.Kind.NOT_AUTHORIZED, "Kafka", where + " refused this "
            + "process's credentials: " + cause.getMessage() + ". Check security.protocol, sasl.mechanism, "
            + "sasl.jaas.config and the trust store (--kafka-config / --kafka-property).", cause);
      }
      if (cause instanceof AuthorizationException) {
        throw new DependencyException(DependencyException.Kind.NOT_AUTHORIZED, "Kafka", where + " answered but "
            + "this principal may not describe the cluster: " + cause.getMessage() + ". Grant the role's ACLs "
            + "(shiq topics manifest --format plain).", cause);
      }
      double s = (System.nanoTime() - start) / 1e9;
      throw new DependencyException(DependencyException.Kind.UNREACHABLE, "Kafka", where + " did not answer "
          + "within " + String.format(java.util.Locale.ROOT, "%.0f", Math.ceil(s - 0.05)) + " s (tried: describe the cluster; " + describe(cause) + "). Is the broker running "
          + "('./shiq kafka' starts one on localhost:9092)? Check --bootstrap-servers (SHIQ_BOOTSTRAP_SERVERS) and, "
          + "for a secured cluster, security.protocol in --kafka-config.", cause);
    }
  }

  /**
   * Lists the subjects of the registry at {@code settings.registryUrl()} (one attempt, {@code limit} per request).
   *
   * @return the number of subjects
   * @throws DependencyException UNREACHABLE or NOT_AUTHORIZED (401/403)
   */
  public static int registry(KafkaSettings settings, Duration limit) {
    String url = RegistryConnection.redact(settings.registryUrl());
    SchemaRegistryClient client;
    try {
      client = new SchemaRegistryClient(settings.registryUrl(), 1, Duration.ofMillis(1), limit,
          RegistryConnection.from(settings.client(), settings.registryUrl()));
    } catch (IllegalArgumentException e) {
      throw e; // a bad URL or bad TLS settings: bad input, not an unreachable service
    }
    try {
      return client.subjects().size();
    } catch (RegistryException e) {
      if (e.httpStatus() == 401 || e.httpStatus() == 403) {
        throw new DependencyException(DependencyException.Kind.NOT_AUTHORIZED, "schema registry",
            "schema registry " + url + " refused this process: " + e.getMessage(), e);
      }
      if (e.httpStatus() > 0 && e.httpStatus() < 500) {
        throw new DependencyException(DependencyException.Kind.UNREACHABLE, "schema registry", "schema registry "
            + url + " answered HTTP " + e.httpStatus() + " to GET /subjects: is it a Confluent-compatible registry? "
            + e.getMessage(), e);
      }
      throw new DependencyException(DependencyException.Kind.UNREACHABLE, "schema registry", "schema registry "
          + url + " could not be reached (tried: GET /subjects, waiting up to " + limit.toSeconds() + " s; "
          + e.getMessage() + "). Is it running ('./shiq kafka' starts one on http://localhost:8081)? Check --schema-registry-url "
          + "(SHIQ_SCHEMA_REGISTRY_URL).", e);
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
