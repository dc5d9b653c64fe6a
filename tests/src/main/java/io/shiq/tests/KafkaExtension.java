package io.shiq.tests;

import io.shiq.embedded.EmbeddedStack;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives tests a real broker: Testcontainers' Kafka container when a Docker engine answers, otherwise the embedded
 * KRaft broker. One broker per test JVM, started on first use and stopped when the run ends. Inject
 * {@link TestKafka} into a constructor, a lifecycle method or a test method.
 *
 * <p>{@code SHIQ_TEST_BROKER=embedded|testcontainers} forces a choice (default {@code auto}).
 */
public final class KafkaExtension implements ParameterResolver {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaExtension.class);
  public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    return store.getOrComputeIfAbsent("kafka", k -> new Holder(start()), Holder.class).kafka;
  }

  /** Closed by JUnit when the root context (the whole run) ends. */
  @SuppressWarnings("deprecation")
  private record Holder(TestKafka kafka) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() throws Throwable {
      kafka.close();
    }
  }

  private static TestKafka start() {
    String choice = System.getenv().getOrDefault("SHIQ_TEST_BROKER", "auto").toLowerCase(Locale.ROOT);
    boolean docker = switch (choice) {
      case "embedded" -> false;
      case "testcontainers" -> true;
      case "auto" -> dockerAvailable();
      default -> throw new ParameterResolutionException("SHIQ_TEST_BROKER must be auto, embedded or "
          + "testcontainers, got '" + choice + "'");
    };
    try {
      if (docker) {
        try {
          return startContainer();
        } catch (RuntimeException e) {
          if (choice.equals("testcontainers")) {
            throw e;
          }
          // A Docker engine that answers but cannot run the image (no registry access, say): use the embedded one.
          LOG.warn("Testcontainers Kafka did not start ({}); using the embedded KRaft broker", e.toString());
        }
      }
      return startEmbedded();
    } catch (IOException e) {
      throw new ParameterResolutionException("could not start a Kafka broker for the tests: " + e.getMessage(), e);
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  private static TestKafka startEmbedded() throws IOException {
    EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral());
    LOG.info("tests use the embedded KRaft broker at {} (started in {} ms)", stack.bootstrapServers(),
        stack.broker().startTime().toMillis());
    return new TestKafka("embedded", stack.bootstrapServers(), stack.registry(), stack);
  }

  private static TestKafka startContainer() throws IOException {
    KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
    container.start();
    LOG.info("tests use a Testcontainers Kafka broker ({}) at {}", KAFKA_IMAGE, container.getBootstrapServers());
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(container.getBootstrapServers());
    return new TestKafka("testcontainers", container.getBootstrapServers(), registry, () -> {
      registry.close();
      container.stop();
    });
  }
}
