package io.shiq.schemas.registry.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.shiq.schemas.registry.CompatibilityLevel;
import io.shiq.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry that speaks the Confluent Schema Registry REST API (the subset serdes and operators use)
 * over real HTTP, with Avro compatibility checks, and keeps its state in a compacted Kafka topic so that ids
 * survive restarts. It is the registry of the embedded stack (demo, tests); production deployments point
 * {@code schema.registry.url} at Confluent Schema Registry, Karapace, Redpanda or Apicurio instead.
 *
 * <p>Endpoints: {@code GET /subjects}, {@code GET|POST /subjects/{s}/versions}, {@code GET
 * /subjects/{s}/versions/{v}}, {@code POST /subjects/{s}} (lookup), {@code GET /schemas/ids/{id}},
 * {@code POST /compatibility/subjects/{s}/versions/{v}}, {@code GET|PUT /config}, {@code GET|PUT /config/{s}}.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String DEFAULT_TOPIC = "_shiq_schemas";

  private static final Pattern SUBJECT_VERSIONS = Pattern.compile("^/subjects/([^/]+)/versions/?$");
  private static final Pattern SUBJECT_VERSION = Pattern.compile("^/subjects/([^/]+)/versions/([^/]+)/?$");
  private static final Pattern SUBJECT = Pattern.compile("^/subjects/([^/]+)/?$");
  private static final Pattern SCHEMA_BY_ID = Pattern.compile("^/schemas/ids/(\\d+)/?$");
  private static final Pattern COMPATIBILITY = Pattern.compile("^/compatibility/subjects/([^/]+)/versions/([^/]+)/?$");
  private static final Pattern CONFIG = Pattern.compile("^/config(?:/([^/]+))?/?$");

  /**
   * How the registry protects itself: TLS with its own certificate and HTTP basic auth, both optional.
   *
   * @param keyStore         PKCS12 key store with the registry's certificate and key (null: plain HTTP)
   * @param keyStorePassword its password (and the key's)
   * @param users            user name to password of the clients allowed in (empty: no authentication)
   */
  public record Security(java.nio.file.Path keyStore, String keyStorePassword, Map<String, String> users) {
    public static final Security NONE = new Security(null, null, Map.of());

    public Security {
      users = Map.copyOf(users == null ? Map.of() : users);
    }

    @Override
    public String toString() {
      return "Security[tls=" + (keyStore != null) + ", users=" + users.keySet() + "]"; // never the passwords
    }
  }

  private final KafkaSchemaStore store;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String url;

  private EmbeddedSchemaRegistry(KafkaSchemaStore store, HttpServer server, ExecutorService executor) {
    this.store = store;
    this.server = server;
    this.executor = executor;
    this.url = (server instanceof HttpsServer ? "https" : "http") + "://localhost:" + server.getAddress().getPort();
  }

  /**
   * Starts a registry on {@code port} (0 picks a free one) backed by {@code topic} on the given Kafka cluster.
   * Replays the topic before it answers, so it answers with the ids it gave before a restart.
   */
  public static EmbeddedSchemaRegistry start(String bootstrapServers, String topic, int port) throws IOException {
    return start(new KafkaSchemaStore(bootstrapServers, topic), port, topic, Security.NONE);
  }

  /**
   * A registry whose store talks to a secured Kafka ({@code kafkaClient}: its clients' security settings) and which
   * serves HTTPS and/or asks for basic auth as {@code security} says.
   */
  public static EmbeddedSchemaRegistry start(String bootstrapServers, Map<String, String> kafkaClient, String topic,
                                             int port, Security security) throws IOException {
    return start(new KafkaSchemaStore(bootstrapServers, kafkaClient, topic), port, topic, security);
  }

  /**
   * A registry over real HTTP whose state lives in memory only, for unit tests that need a registry but no broker
   * (Kafka Streams' TopologyTestDriver). Ids do not survive a restart.
   */
  public static EmbeddedSchemaRegistry startInMemory() throws IOException {
    return startInMemory(Security.NONE);
  }

  /** An in-memory registry over HTTPS and/or with basic auth. */
  public static EmbeddedSchemaRegistry startInMemory(Security security) throws IOException {
    return start(new KafkaSchemaStore(), 0, "(memory)", security);
  }

  private static EmbeddedSchemaRegistry start(KafkaSchemaStore store, int port, String topic, Security security)
      throws IOException {
    HttpServer server;
    try {
      if (security.keyStore() != null) {
        HttpsServer https = HttpsServer.create(new InetSocketAddress("localhost", port), 64);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls(security)));
        server = https;
      } else {
        server = HttpServer.create(new InetSocketAddress("localhost", port), 64);
      }
    } catch (IOException e) {
      store.close();
      throw new IOException("cannot listen on port " + port + " for the schema registry: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "schema-registry-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(store, server, executor);
    HttpContext context = server.createContext("/", registry::handle);
    if (!security.users().isEmpty()) {
      context.setAuthenticator(new BasicAuthenticator("shiq-schema-registry") {
        @Override
        public boolean checkCredentials(String user, String password) {
          String expected = security.users().get(user);
          // Compared in constant time, so the answer's timing says nothing about the password.
          return expected != null && password != null && java.security.MessageDigest.isEqual(
              expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
        }
      });
    }
    server.start();
    LOG.info("schema registry listening on {} (state in topic {}{}{})", registry.url, topic,
        security.keyStore() != null ? ", TLS" : "", security.users().isEmpty() ? "" : ", basic auth");
    return registry;
  }

  private static javax.net.ssl.SSLContext serverTls(Security security) {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(security.keyStore())) {
      java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
      char[] password = security.keyStorePassword() == null ? new char[0] : security.keyStorePassword().toCharArray();
      keys.load(in, password);
      javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
          javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      return tls;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("schema registry key store " + security.keyStore() + ": " + e.getMessage(),
          e);
    }
  }

  public static EmbeddedSchemaRegistry start(String bootstrapServers) throws IOException {
    return start(bootstrapServers, DEFAULT_TOPIC, 0);
  }

  /** Base URL to use as {@code schema.registry.url}. */
  public String url() {
    return url;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** A client for this registry. */
  public SchemaRegistryClient client() {
    return new SchemaRegistryClient(url);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    store.close();
  }

  // ---- routing ----------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      try {
        JsonNode answer = route(method, path, query, exchange);
        reply(exchange, 200, answer);
      } catch (RegistryError e) {
        reply(exchange, e.status, error(e.code, e.getMessage()));
      } catch (RuntimeException e) {
        LOG.warn("schema registry failed on {} {}", method, path, e);
        reply(exchange, 500, error(RegistryError.STORE_ERROR, "Internal error: " + e));
      }
    }
  }

  private JsonNode route(String method, String path, String query, HttpExchange exchange) throws IOException {
    Matcher m;
    if (path.equals("/") || path.isEmpty()) {
      return JSON.createObjectNode();
    }
    if (path.equals("/subjects") || path.equals("/subjects/")) {
      requireMethod(method, "GET");
      return array(store.subjects());
    }
    if ((m = SUBJECT_VERSIONS.matcher(path)).matches()) {
      String subject = decode(m.group(1));
      if (method.equals("GET")) {
        return array(store.versions(subject));
      }
      requireMethod(method, "POST");
      int id = store.register(subject, schemaOf(exchange));
      return JSON.createObjectNode().put("id", id);
    }
    if ((m = SUBJECT_VERSION.matcher(path)).matches()) {
      requireMethod(method, "GET");
      return store.version(decode(m.group(1)), decode(m.group(2)));
    }
    if ((m = SUBJECT.matcher(path)).matches()) {
      requireMethod(method, "POST");
      return store.lookup(decode(m.group(1)), schemaOf(exchange));
    }
    if ((m = SCHEMA_BY_ID.matcher(path)).matches()) {
      requireMethod(method, "GET");
      int id;
      try {
        id = Integer.parseInt(m.group(1));
      } catch (NumberFormatException e) {
        throw RegistryError.notFound(RegistryError.SCHEMA_NOT_FOUND, "Schema " + m.group(1) + " not found");
      }
      return JSON.createObjectNode().put("schema", store.schemaById(id));
    }
    if ((m = COMPATIBILITY.matcher(path)).matches()) {
      requireMethod(method, "POST");
      String subject = decode(m.group(1));
      String version = decode(m.group(2));
      String schema = schemaOf(exchange);
      List<String> violations;
      try {
        violations = store.compatibilityViolations(subject, schema, version);
      } catch (RegistryError e) {
        if (e.code == RegistryError.SUBJECT_NOT_FOUND && "latest".equals(version)) {
          violations = List.of(); // nothing registered yet: anything is compatible
        } else {
          throw e;
        }
      }
      ObjectNode out = JSON.createObjectNode().put("is_compatible", violations.isEmpty());
      if (query != null && query.contains("verbose=true")) {
        out.set("messages", array(violations));
      }
      return out;
    }
    if ((m = CONFIG.matcher(path)).matches()) {
      String subject = m.group(1) == null ? null : decode(m.group(1));
      if (method.equals("PUT")) {
        JsonNode body = body(exchange);
        String text = body.path("compatibility").asText(body.path("compatibilityLevel").asText(""));
        CompatibilityLevel level;
        try {
          level = CompatibilityLevel.parse(text);
        } catch (IllegalArgumentException e) {
          throw RegistryError.unprocessable(RegistryError.INVALID_COMPATIBILITY, "Invalid compatibility level: "
              + e.getMessage());
        }
        store.setLevel(subject, level);
        return JSON.createObjectNode().put("compatibility", level.name());
      }
      requireMethod(method, "GET");
      CompatibilityLevel level = store.level(subject);
      if (level == null) {
        if (query != null && query.contains("defaultToGlobal=true")) {
          level = store.level(null);
        } else {
          throw RegistryError.notFound(RegistryError.SUBJECT_NOT_FOUND, "Subject '" + subject
              + "' does not have subject-level compatibility configured");
        }
      }
      return JSON.createObjectNode().put("compatibilityLevel", level.name());
    }
    throw new RegistryError(404, 404, "HTTP 404 Not Found: " + method + " " + path);
  }

  private static void requireMethod(String actual, String expected) {
    if (!actual.equals(expected)) {
      throw new RegistryError(405, 405, "HTTP 405 Method Not Allowed: " + actual);
    }
  }

  private static String schemaOf(HttpExchange exchange) throws IOException {
    JsonNode body = body(exchange);
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw RegistryError.unprocessable(RegistryError.INVALID_SCHEMA, "Unsupported schemaType " + type
          + " (this registry supports AVRO)");
    }
    JsonNode schema = body.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw RegistryError.unprocessable(RegistryError.INVALID_SCHEMA, "Request body must hold a \"schema\" string");
    }
    return schema.asText();
  }

  private static JsonNode body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readAllBytes();
      try {
        return JSON.readTree(bytes.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : bytes);
      } catch (IOException e) {
        throw new RegistryError(400, 400, "Malformed JSON request body: " + e.getMessage());
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static ObjectNode error(int code, String message) {
    return JSON.createObjectNode().put("error_code", code).put("message", message);
  }

  private static ArrayNode array(List<?> values) {
    ArrayNode out = JSON.createArrayNode();
    values.forEach(v -> {
      if (v instanceof Integer i) {
        out.add(i);
      } else {
        out.add(String.valueOf(v));
      }
    });
    return out;
  }

  private static String decode(String part) {
    return URLDecoder.decode(part, StandardCharsets.UTF_8);
  }
}
