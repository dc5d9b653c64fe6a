package io.shiq.app.cli;

import io.shiq.embedded.EmbeddedStack;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shiq kafka}: the embedded broker and schema registry as a standalone service. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Start a real single-node Kafka broker (KRaft mode) and the embedded Schema Registry in this process, create shiq's topics, print their addresses and run until Ctrl-C. State persists in --data-dir, so a restart keeps topics, offsets and schema ids. Point 'shiq replay|learner|actor' at the printed addresses.")
public final class KafkaCommand implements Callable<Integer> {

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Broker log directory and registry state (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of(System.getProperty("user.home"), ".shiq", "kafka");

  @Option(names = "--port", paramLabel = "N",
      description = "Kafka client port (bootstrap.servers=localhost:N; default: ${DEFAULT-VALUE}).")
  int port = 9092;

  @Option(names = "--controller-port", paramLabel = "N",
      description = "KRaft controller port (default: --port + 1).")
  Integer controllerPort;

  @Option(names = "--registry-port", paramLabel = "N",
      description = "Schema Registry HTTP port (default: ${DEFAULT-VALUE}).")
  int registryPort = 8081;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX",
      description = "Prefix of every topic name (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  @Option(names = "--registry-keystore", paramLabel = "FILE",
      description = "Serve the registry over HTTPS with the certificate and key of this PKCS12 key store (clients then "
          + "use https:// and trust it through schema.registry.ssl.truststore.location).")
  Path registryKeyStore;

  @Option(names = "--registry-keystore-password", paramLabel = "PASSWORD", arity = "0..1", interactive = true,
      description = "Password of --registry-keystore (and of its key). Give it as SHIQ_REGISTRY_KEYSTORE_PASSWORD or "
          + "type it when asked (the option without a value): a command line is visible to other users.")
  String registryKeyStorePassword;

  @Option(names = "--registry-users", paramLabel = "FILE",
      description = "Ask registry clients for HTTP basic auth: a properties file of USER=PASSWORD lines (clients set "
          + "basic.auth.user.info=USER:PASSWORD).")
  Path registryUsers;

  @Override
  public Integer call() throws Exception {
    int ctrl = controllerPort != null ? controllerPort : (port == 0 ? 0 : port + 1);
    Topics topics = new Topics(topicPrefix);
    EmbeddedStack stack = EmbeddedStack.start(new EmbeddedStack.Options(dataDir, port, ctrl, registryPort, topics),
        registrySecurity());
    CountDownLatch stopped = new CountDownLatch(1);
    Shutdown.onSignal("shiq-kafka-shutdown", () -> {
      System.out.println("shiq kafka: stopping...");
      stack.close();
      stopped.countDown();
    });
    System.out.printf("Kafka broker (KRaft, 1 node)  bootstrap.servers=%s   (started in %d ms)%n",
        stack.bootstrapServers(), stack.broker().startTime().toMillis());
    System.out.printf("Schema Registry               schema.registry.url=%s%n", stack.registryUrl());
    System.out.printf("Data directory                %s%n", dataDir.toAbsolutePath());
    System.out.println("Topics:");
    for (TopicSpec spec : Topics.ALL) {
      System.out.printf("  %-28s %d partition(s)  %s%n", topics.name(spec), spec.partitions(), spec.description());
    }
    System.out.println("Running; press Ctrl-C to stop.");
    System.out.flush();
    stopped.await();
    return 0;
  }

  private io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry.Security registrySecurity()
      throws java.io.IOException {
    java.util.Map<String, String> users = new java.util.LinkedHashMap<>();
    if (registryUsers != null) {
      java.util.Properties p = new java.util.Properties();
      try (java.io.Reader r = java.nio.file.Files.newBufferedReader(registryUsers)) {
        p.load(r);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new IllegalArgumentException("--registry-users: no such file: " + registryUsers.toAbsolutePath());
      }
      for (String user : p.stringPropertyNames()) {
        if (p.getProperty(user).isBlank()) {
          throw new IllegalArgumentException("--registry-users " + registryUsers + ": user '" + user
              + "' has no password");
        }
        users.put(user, p.getProperty(user));
      }
      if (users.isEmpty()) {
        throw new IllegalArgumentException("--registry-users " + registryUsers + " names no user");
      }
    }
    if (registryKeyStore != null && !java.nio.file.Files.isReadable(registryKeyStore)) {
      throw new IllegalArgumentException("--registry-keystore: cannot read " + registryKeyStore.toAbsolutePath());
    }
    return new io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry.Security(registryKeyStore,
        registryKeyStorePassword, users);
  }
}
