package io.shiq.tests;

import io.shiq.schemas.registry.RegistryConnection;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.kafka.KafkaSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A secured stack in this JVM, as a production cluster is secured: a KRaft broker whose only client listener is
 * SASL_SSL (SCRAM-SHA-512 over TLS with a certificate for localhost), Kafka's StandardAuthorizer with no rule but the
 * super user's (every other principal is refused until an ACL allows it), and the embedded schema registry over
 * HTTPS with HTTP basic auth, its store logged in to Kafka as the super user.
 *
 * <p>The certificate is made by the JDK's keytool (a self-signed key pair, SAN localhost and 127.0.0.1); the trust
 * store holds it. Each user gets a fresh random password per run, SCRAM credentials created when the log directory is
 * formatted ({@code kafka-storage format --add-scram}), and a registry login of the same name and password.
 */
public final class SecureKafka implements AutoCloseable {
  public static final String ADMIN = "admin";
  private static final String STORE_TYPE = "PKCS12";

  private final KafkaRaftServer server;
  private final EmbeddedSchemaRegistry registry;
  private final String bootstrap;
  private final Map<String, String> passwords;
  private final Path trustStore;
  private final String trustStorePassword;
  private final String tlsBootstrap;
  private final Path dir;
  private final Map<String, String> keyStorePasswords;

  private SecureKafka(KafkaRaftServer server, EmbeddedSchemaRegistry registry, String bootstrap,
                      Map<String, String> passwords, Path trustStore, String trustStorePassword, String tlsBootstrap,
                      Path dir, Map<String, String> keyStorePasswords) {
    this.server = server;
    this.registry = registry;
    this.bootstrap = bootstrap;
    this.passwords = passwords;
    this.trustStore = trustStore;
    this.trustStorePassword = trustStorePassword;
    this.tlsBootstrap = tlsBootstrap;
    this.dir = dir;
    this.keyStorePasswords = keyStorePasswords;
  }

  /** Starts broker and registry in {@code dir} with SCRAM users {@code users} (and {@value #ADMIN}, a super user). */
  public static SecureKafka start(Path dir, List<String> users) throws Exception {
    return start(dir, users, List.of());
  }

  /**
   * As {@link #start(Path, List)}, with a second listener, SSL with client certificates required (mutual TLS), and a
   * certificate for each of {@code certificateUsers}: its subject CN=user maps to principal {@code User:user}, the
   * same principal as the SCRAM user of that name, so the same ACLs apply.
   */
  public static SecureKafka start(Path dir, List<String> users, List<String> certificateUsers) throws Exception {
    Files.createDirectories(dir);
    SecureRandom random = new SecureRandom();
    Map<String, String> passwords = new LinkedHashMap<>();
    passwords.put(ADMIN, secret(random, ADMIN));
    users.forEach(u -> passwords.put(u, secret(random, u)));

    String keyPassword = secret(random, "keystore");
    String trustPassword = secret(random, "truststore");
    Path keyStore = dir.resolve("localhost.p12");
    Path cert = dir.resolve("localhost.pem");
    Path trustStore = dir.resolve("truststore.p12");
    keytool("-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
        "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", STORE_TYPE,
        "-keystore", keyStore.toString(), "-storepass", keyPassword, "-keypass", keyPassword);
    keytool("-exportcert", "-rfc", "-alias", "localhost", "-storetype", STORE_TYPE, "-keystore", keyStore.toString(),
        "-storepass", keyPassword, "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "localhost", "-file", cert.toString(), "-storetype", STORE_TYPE,
        "-keystore", trustStore.toString(), "-storepass", trustPassword);
    Map<String, String> keyStorePasswords = new LinkedHashMap<>();
    for (String user : certificateUsers) {
      // A self-signed client certificate; the broker trusts it because the trust store holds it.
      String pw = secret(random, user + "-keystore");
      Path store = dir.resolve(user + ".p12");
      Path userCert = dir.resolve(user + ".pem");
      keytool("-genkeypair", "-alias", user, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + user,
          "-validity", "2", "-storetype", STORE_TYPE, "-keystore", store.toString(), "-storepass", pw, "-keypass", pw);
      keytool("-exportcert", "-rfc", "-alias", user, "-storetype", STORE_TYPE, "-keystore", store.toString(),
          "-storepass", pw, "-file", userCert.toString());
      keytool("-importcert", "-noprompt", "-alias", user, "-file", userCert.toString(), "-storetype", STORE_TYPE,
          "-keystore", trustStore.toString(), "-storepass", trustPassword);
      keyStorePasswords.put(user, pw);
    }

    int port = freePort();
    int tlsPort = freePort();
    int controller = freePort();
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controller);
    p.put("listeners", "SASL_SSL://localhost:" + port + ",SSL://localhost:" + tlsPort + ",CONTROLLER://localhost:"
        + controller);
    p.put("advertised.listeners", "SASL_SSL://localhost:" + port + ",SSL://localhost:" + tlsPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "SASL_SSL");
    // The controller listener serves only the KRaft quorum of this one node; clients cannot use it.
    p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT");
    // Mutual TLS: no certificate, no connection; the principal is the certificate's CN.
    p.put("listener.name.ssl.ssl.client.auth", "required");
    p.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
    p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
    p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(ADMIN, passwords.get(ADMIN)));
    p.put("ssl.keystore.type", STORE_TYPE);
    p.put("ssl.keystore.location", keyStore.toString());
    p.put("ssl.keystore.password", keyPassword);
    p.put("ssl.key.password", keyPassword);
    p.put("ssl.truststore.type", STORE_TYPE);
    p.put("ssl.truststore.location", trustStore.toString());
    p.put("ssl.truststore.password", trustPassword);
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    // ANONYMOUS is the node itself on the plaintext controller listener.
    p.put("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
    p.put("allow.everyone.if.no.acl.found", "false");
    p.put("log.dirs", dir.resolve("logs").toString());
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("min.insync.replicas", "1");
    p.put("default.replication.factor", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("message.max.bytes", Integer.toString(2 * 1024 * 1024));
    Path props = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(props)) {
      p.store(out, null);
    }
    List<String> format = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
        props.toString(), "--ignore-formatted"));
    passwords.forEach((user, password) -> {
      format.add("--add-scram");
      format.add("SCRAM-SHA-512=[name=" + user + ",password=" + password + "]");
    });
    ByteArrayOutputStream formatted = new ByteArrayOutputStream();
    int rc = StorageTool.execute(format.toArray(new String[0]), new PrintStream(formatted, true,
        StandardCharsets.UTF_8));
    if (rc != 0) {
      throw new IllegalStateException("kafka-storage format failed: " + formatted.toString(StandardCharsets.UTF_8));
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
    server.startup();
    String bootstrap = "localhost:" + port;
    EmbeddedSchemaRegistry registry = null;
    try {
      Map<String, String> adminClient = kafkaClient(ADMIN, passwords.get(ADMIN), trustStore, trustPassword);
      awaitBroker(bootstrap, adminClient);
      registry = EmbeddedSchemaRegistry.start(bootstrap, adminClient, EmbeddedSchemaRegistry.DEFAULT_TOPIC, 0,
          new EmbeddedSchemaRegistry.Security(keyStore, keyPassword, passwords));
      return new SecureKafka(server, registry, bootstrap, passwords, trustStore, trustPassword,
          "localhost:" + tlsPort, dir, keyStorePasswords);
    } catch (Exception | Error e) {
      if (registry != null) {
        registry.close();
      }
      server.shutdown();
      server.awaitShutdown();
      throw e;
    }
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  /** {@code https://localhost:PORT}. */
  public String registryUrl() {
    return registry.url();
  }

  /** Every user's password (the test greps logs and outputs for them). */
  public Map<String, String> passwords() {
    return Map.copyOf(passwords);
  }

  public Path trustStore() {
    return trustStore;
  }

  public String trustStorePassword() {
    return trustStorePassword;
  }

  /**
   * Every client setting {@code user} needs, for Kafka (SASL_SSL, SCRAM-SHA-512, the trust store) and for the
   * registry (basic auth, the same trust store), under the names Kafka's and Confluent's clients use.
   */
  public Map<String, String> clientSettings(String user) {
    Map<String, String> m = kafkaClient(user, password(user), trustStore, trustStorePassword);
    m.put(RegistryConnection.USER_INFO, user + ":" + password(user));
    m.put(RegistryConnection.TRUSTSTORE_LOCATION, trustStore.toString());
    m.put(RegistryConnection.TRUSTSTORE_PASSWORD, trustStorePassword);
    m.put(RegistryConnection.TRUSTSTORE_TYPE, STORE_TYPE);
    return m;
  }

  /** The mutual-TLS listener. */
  public String tlsBootstrapServers() {
    return tlsBootstrap;
  }

  /**
   * The client settings of {@code user} (one of the certificate users) on the mutual-TLS listener: security.protocol
   * SSL, its key store, the trust store; and its registry login.
   */
  public Map<String, String> tlsClientSettings(String user) {
    String pw = keyStorePasswords.get(user);
    if (pw == null) {
      throw new IllegalArgumentException("no client certificate for " + user + " (" + keyStorePasswords.keySet()
          + ")");
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put("security.protocol", "SSL");
    m.put("ssl.keystore.type", STORE_TYPE);
    m.put("ssl.keystore.location", dir.resolve(user + ".p12").toString());
    m.put("ssl.keystore.password", pw);
    m.put("ssl.key.password", pw);
    m.put("ssl.truststore.type", STORE_TYPE);
    m.put("ssl.truststore.location", trustStore.toString());
    m.put("ssl.truststore.password", trustStorePassword);
    m.put(RegistryConnection.USER_INFO, user + ":" + password(user));
    m.put(RegistryConnection.TRUSTSTORE_LOCATION, trustStore.toString());
    m.put(RegistryConnection.TRUSTSTORE_PASSWORD, trustStorePassword);
    m.put(RegistryConnection.TRUSTSTORE_TYPE, STORE_TYPE);
    return m;
  }

  /** A client factory on the mutual-TLS listener, as {@code user}'s certificate. */
  public KafkaClients tlsClients(String user) {
    return new KafkaClients(new KafkaSettings(tlsBootstrap, registryUrl(), tlsClientSettings(user)));
  }

  /** A client factory logged in as {@code user}. */
  public KafkaClients clients(String user) {
    return new KafkaClients(new KafkaSettings(bootstrap, registryUrl(), clientSettings(user)));
  }

  private String password(String user) {
    String pw = passwords.get(user);
    if (pw == null) {
      throw new IllegalArgumentException("no SCRAM user " + user + " (users: " + passwords.keySet() + ")");
    }
    return pw;
  }

  private static Map<String, String> kafkaClient(String user, String password, Path trustStore, String trustPw) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("security.protocol", "SASL_SSL");
    m.put("sasl.mechanism", "SCRAM-SHA-512");
    m.put("sasl.jaas.config", jaas(user, password));
    m.put("ssl.truststore.type", STORE_TYPE);
    m.put("ssl.truststore.location", trustStore.toString());
    m.put("ssl.truststore.password", trustPw);
    return m;
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
        + password + "\";";
  }

  /** A password that is easy to find in a log: the user's name and 12 random bytes. */
  private static String secret(SecureRandom random, String user) {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return "pw-" + user + "-" + HexFormat.of().formatHex(b);
  }

  private static void awaitBroker(String bootstrap, Map<String, String> client) throws InterruptedException {
    Map<String, Object> c = new LinkedHashMap<>(client);
    c.put("bootstrap.servers", bootstrap);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Admin admin = Admin.create(c)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the secured broker at " + bootstrap + " did not answer in 60 s", e);
          }
        }
        Thread.sleep(200);
      }
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    registry.close();
    server.shutdown();
    server.awaitShutdown();
  }
}
