package io.shiq.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client for the subset of the Confluent Schema Registry REST API that a serde needs: register a schema under a
 * subject, look one up, fetch a schema by id, test compatibility, read and set the compatibility level. Works
 * against Confluent Schema Registry, Karapace, Redpanda, Apicurio's compatible API and shiq's embedded registry.
 *
 * <p>Ids and schemas are cached: a schema id never changes meaning, so each is fetched once. Connection failures
 * and 5xx answers are retried a bounded number of times with exponential back-off, then reported with the URL.
 */
public final class SchemaRegistryClient {
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final int maxAttempts;
  private final Duration backoff;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final RegistryConnection connection;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  /** Defaults: 3 attempts, 200 ms initial back-off, 10 s per request. */
  public SchemaRegistryClient(String baseUrl) {
    this(baseUrl, 3, Duration.ofMillis(200), Duration.ofSeconds(10));
  }

  public SchemaRegistryClient(String baseUrl, int maxAttempts, Duration backoff, Duration requestTimeout) {
    this(baseUrl, maxAttempts, backoff, requestTimeout, RegistryConnection.NONE);
  }

  /** A client of a registry that wants authentication or its own certificates (see {@link RegistryConnection}). */
  public SchemaRegistryClient(String baseUrl, RegistryConnection connection) {
    this(baseUrl, 3, Duration.ofMillis(200), Duration.ofSeconds(10), connection);
  }

  public SchemaRegistryClient(String baseUrl, int maxAttempts, Duration backoff, Duration requestTimeout,
                              RegistryConnection connection) {
    Objects.requireNonNull(baseUrl, "schema.registry.url");
    String url = baseUrl.trim();
    if (url.contains(",")) {
      url = url.substring(0, url.indexOf(',')).trim(); // several URLs: use the first, as a serde needs one
    }
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("schema.registry.url must start with http:// or https://, got '"
          + baseUrl + "'");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("schema registry max attempts must be >= 1, got " + maxAttempts);
    }
    url = RegistryConnection.redact(url); // credentials in the URL went into the connection, never into messages
    this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.requestTimeout = requestTimeout;
    this.connection = Objects.requireNonNull(connection, "connection");
    HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(requestTimeout);
    connection.ssl().ifPresent(http::sslContext);
    this.http = http.build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
  public int register(String subject, Schema schema) {
    Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw new RegistryException("registry " + baseUrl + " answered no id when registering under subject "
          + subject + ": " + answer, 200, -1, baseUrl);
    }
    remember(subject, schema, id);
    return id;
  }

  /** The id of {@code schema} if it is registered under {@code subject}; a RegistryException (404) if not. */
  public int lookupId(String subject, Schema schema) {
    Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
    int id = answer.path("id").asInt(-1);
    remember(subject, schema, id);
    return id;
  }

  /** The schema with global id {@code id}. */
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("GET", "/schemas/ids/" + id, null);
    Schema schema = parse(answer.path("schema").asText(), "schema id " + id);
    schemasById.put(id, schema);
    return schema;
  }

  /** All versions registered under {@code subject}, oldest first. */
  public List<Integer> versions(String subject) {
    JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions", null);
    List<Integer> out = new ArrayList<>();
    answer.forEach(v -> out.add(v.asInt()));
    return out;
  }

  /** The schema of one version ("latest" or a number) of a subject. */
  public Schema schemaOfVersion(String subject, String version) {
    JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/" + encode(version), null);
    return parse(answer.path("schema").asText(), "subject " + subject + " version " + version);
  }

  public List<String> subjects() {
    JsonNode answer = send("GET", "/subjects", null);
    List<String> out = new ArrayList<>();
    answer.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** Result of a compatibility test: compatible or not, with the reasons the registry gave. */
  public record Compatibility(boolean compatible, List<String> messages) {}

  /** Tests {@code schema} against a subject's version ("latest") under the subject's compatibility level. */
  public Compatibility testCompatibility(String subject, Schema schema, String version) {
    JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/" + encode(version)
        + "?verbose=true", schemaBody(schema));
    List<String> messages = new ArrayList<>();
    answer.path("messages").forEach(m -> messages.add(m.asText()));
    return new Compatibility(answer.path("is_compatible").asBoolean(false), messages);
  }

  /** Sets the compatibility level of one subject, or the global default when {@code subject} is null. */
  public void setCompatibility(String subject, CompatibilityLevel level) {
    ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
    send("PUT", subject == null ? "/config" : "/config/" + encode(subject), body.toString());
  }

  /** The compatibility level in force for {@code subject} (its own, else the global one), or the global one. */
  public CompatibilityLevel compatibility(String subject) {
    String path = subject == null ? "/config" : "/config/" + encode(subject) + "?defaultToGlobal=true";
    JsonNode answer = send("GET", path, null);
    return CompatibilityLevel.parse(answer.path("compatibilityLevel").asText());
  }

  private void remember(String subject, Schema schema, int id) {
    idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
    schemasById.putIfAbsent(id, schema);
  }

  private static String schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schemaType", "AVRO").put("schema", schema.toString()).toString();
  }

  private Schema parse(String text, String what) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw new RegistryException("registry " + baseUrl + " returned an unparseable schema for " + what + ": "
          + e.getMessage(), 200, -1, baseUrl);
    }
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** One request with bounded retries on connection failures and 5xx answers. */
  private JsonNode send(String method, String path, String body) {
    String url = baseUrl + path;
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
        .timeout(requestTimeout)
        .header("Accept", CONTENT_TYPE + ", application/json");
    connection.authorization().ifPresent(a -> builder.header("Authorization", a));
    if (body != null) {
      builder.header("Content-Type", CONTENT_TYPE);
      builder.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpRequest request = builder.build();
    Exception last = null;
    long sleepMs = backoff.toMillis();
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
        }
        JsonNode error = readError(response.body());
        String message = error.path("message").asText(response.body());
        int code = error.path("error_code").asInt(status);
        if (status == 401 || status == 403) {
          message += status == 401
              ? " (not authenticated: " + connection.user().map(u -> "the registry refused user '" + u + "'; check "
                  + RegistryConnection.USER_INFO).orElse("the registry wants credentials: set "
                  + RegistryConnection.USER_INFO + "=USER:PASSWORD") + ")"
              : " (user " + connection.user().orElse("(none)") + " may not do this)";
        }
        RegistryException failure = new RegistryException(
            "schema registry " + method + " " + url + " failed with HTTP " + status + " (error " + code + "): "
                + message, status, code, baseUrl);
        if (status < 500) {
          throw failure;
        }
        last = failure;
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException("interrupted talking to schema registry " + url, baseUrl, e);
      }
      if (attempt < maxAttempts) {
        sleep(sleepMs);
        sleepMs *= 2;
      }
    }
    if (last instanceof RegistryException re) {
      throw re;
    }
    throw new RegistryUnreachableException("schema registry " + baseUrl + " unreachable after " + maxAttempts
        + " attempts (" + method + " " + path + "): " + describe(last), baseUrl, last);
  }

  private static String describe(Exception e) {
    if (e == null) {
      return "no answer";
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static JsonNode readError(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
