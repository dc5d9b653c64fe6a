package io.shiq.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a client authenticates to the schema registry and which certificates it trusts, from the client settings Confluent's
 * serdes read (so one properties file serves shiq and Confluent's clients alike):
 *
 * <ul>
 *   <li>{@code basic.auth.credentials.source}: {@code USER_INFO} (credentials in {@code basic.auth.user.info},
 *       {@code USER:PASSWORD}) or {@code URL} (in the URL, {@code https://USER:PASSWORD@host:port}); HTTP basic auth;</li>
 *   <li>{@code schema.registry.ssl.truststore.location|password|type}: the certificates an {@code https://} registry
 *       is checked against (default: the JVM's);</li>
 *   <li>{@code schema.registry.ssl.keystore.location|password|type} and {@code schema.registry.ssl.key.password}: a
 *       client certificate, for a registry that requires mutual TLS.</li>
 * </ul>
 *
 * <p>Hostnames are always verified (Java's HTTP client does; {@code
 * schema.registry.ssl.endpoint.identification.algorithm} other than {@code HTTPS} is refused rather than ignored).
 * Passwords appear in no message and no {@link #toString()}.
 */
public final class RegistryConnection {
  public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String USER_INFO = "basic.auth.user.info";
  public static final String SSL_PREFIX = "schema.registry.ssl.";
  public static final String TRUSTSTORE_LOCATION = SSL_PREFIX + "truststore.location";
  public static final String TRUSTSTORE_PASSWORD = SSL_PREFIX + "truststore.password";
  public static final String TRUSTSTORE_TYPE = SSL_PREFIX + "truststore.type";
  public static final String KEYSTORE_LOCATION = SSL_PREFIX + "keystore.location";
  public static final String KEYSTORE_PASSWORD = SSL_PREFIX + "keystore.password";
  public static final String KEYSTORE_TYPE = SSL_PREFIX + "keystore.type";
  public static final String KEY_PASSWORD = SSL_PREFIX + "key.password";
  public static final String ENDPOINT_IDENTIFICATION = SSL_PREFIX + "endpoint.identification.algorithm";

  /** Every key this class reads; none of them is a Kafka client setting. */
  public static final Set<String> KEYS = Set.of(CREDENTIALS_SOURCE, USER_INFO, TRUSTSTORE_LOCATION,
      TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE, KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE, KEY_PASSWORD,
      ENDPOINT_IDENTIFICATION);

  /** No authentication, the JVM's trusted certificates. */
  public static final RegistryConnection NONE = new RegistryConnection(null, null, null);

  private final String user;
  private final String authorization;
  private final SSLContext ssl;

  private RegistryConnection(String user, String authorization, SSLContext ssl) {
    this.user = user;
    this.authorization = authorization;
    this.ssl = ssl;
  }

  /** True for the keys that belong to the registry client rather than to Kafka's clients. */
  public static boolean isRegistryKey(String key) {
    return KEYS.contains(key) || key.startsWith(SSL_PREFIX) || key.startsWith("basic.auth.");
  }

  /**
   * Reads the settings from {@code configs} (any map of client settings; other keys are ignored) for a registry at
   * {@code url}. Errors name the key; a password never appears in them.
   */
  public static RegistryConnection from(Map<String, ?> configs, String url) {
    String source = string(configs, CREDENTIALS_SOURCE);
    String userInfo = string(configs, USER_INFO);
    String credentials = null;
    if (source == null && userInfo != null) {
      source = "USER_INFO"; // Confluent's default source: giving the user info is enough
    }
    if (source != null) {
      switch (source.toUpperCase(java.util.Locale.ROOT)) {
        case "USER_INFO" -> {
          if (userInfo == null) {
            throw new IllegalArgumentException(CREDENTIALS_SOURCE + "=USER_INFO needs " + USER_INFO
                + " (USER:PASSWORD)");
          }
          credentials = userInfo;
        }
        case "URL" -> {
          credentials = userInfo(url).orElseThrow(() -> new IllegalArgumentException(CREDENTIALS_SOURCE
              + "=URL needs the credentials in schema.registry.url (https://USER:PASSWORD@host:port), and "
              + redact(url) + " has none"));
        }
        default -> throw new IllegalArgumentException(CREDENTIALS_SOURCE + " must be USER_INFO or URL, got '"
            + source + "'");
      }
      if (credentials.indexOf(':') <= 0) {
        throw new IllegalArgumentException("basic auth credentials must be USER:PASSWORD (" + (source
            .equalsIgnoreCase("URL") ? "in schema.registry.url" : USER_INFO) + ")");
      }
    }
    String algorithm = string(configs, ENDPOINT_IDENTIFICATION);
    if (algorithm != null && !algorithm.equalsIgnoreCase("HTTPS")) {
      throw new IllegalArgumentException(ENDPOINT_IDENTIFICATION + "='" + algorithm + "' is not supported: the "
          + "registry's certificate must name its host (Java's HTTP client always verifies it)");
    }
    SSLContext ssl = sslContext(configs);
    String user = credentials == null ? null : credentials.substring(0, credentials.indexOf(':'));
    String header = credentials == null ? null : "Basic " + Base64.getEncoder().encodeToString(
        credentials.getBytes(StandardCharsets.UTF_8));
    return new RegistryConnection(user, header, ssl);
  }

  /** The {@code Authorization} header to send, if any. */
  public Optional<String> authorization() {
    return Optional.ofNullable(authorization);
  }

  /** The TLS context built from the trust and key stores, if any were given. */
  public Optional<SSLContext> ssl() {
    return Optional.ofNullable(ssl);
  }

  /** The basic auth user, for messages. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** {@code url} without the user info part (credentials in a URL must not reach a log). */
  public static String redact(String url) {
    int scheme = url.indexOf("://");
    int at = url.indexOf('@');
    int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
    if (scheme >= 0 && at > scheme && (slash < 0 || at < slash)) {
      return url.substring(0, scheme + 3) + url.substring(at + 1);
    }
    return url;
  }

  private static Optional<String> userInfo(String url) {
    int scheme = url.indexOf("://");
    int at = url.indexOf('@');
    int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
    if (scheme >= 0 && at > scheme && (slash < 0 || at < slash)) {
      return Optional.of(java.net.URLDecoder.decode(url.substring(scheme + 3, at), StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  private static SSLContext sslContext(Map<String, ?> configs) {
    String trustLocation = string(configs, TRUSTSTORE_LOCATION);
    String keyLocation = string(configs, KEYSTORE_LOCATION);
    if (trustLocation == null && keyLocation == null) {
      return null;
    }
    try {
      TrustManagerFactory tmf = null;
      if (trustLocation != null) {
        KeyStore trust = load(Path.of(trustLocation), string(configs, TRUSTSTORE_TYPE),
            string(configs, TRUSTSTORE_PASSWORD), TRUSTSTORE_LOCATION);
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (keyLocation != null) {
        String storePassword = string(configs, KEYSTORE_PASSWORD);
        KeyStore keys = load(Path.of(keyLocation), string(configs, KEYSTORE_TYPE), storePassword,
            KEYSTORE_LOCATION);
        String keyPassword = string(configs, KEY_PASSWORD);
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, chars(keyPassword != null ? keyPassword : storePassword));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("schema registry TLS settings (" + SSL_PREFIX + "*): " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path file, String type, String password, String key) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance(type != null ? type : "PKCS12");
      store.load(in, chars(password));
      return store;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(key + ": no such file: " + file.toAbsolutePath());
    } catch (IOException | GeneralSecurityException e) {
      // A wrong password reads as "keystore password was incorrect" or an integrity check failure.
      throw new IllegalArgumentException(key + ": cannot read " + file.toAbsolutePath() + " (wrong type or "
          + "password?): " + e.getMessage(), e);
    }
  }

  private static char[] chars(String password) {
    return password == null ? null : password.toCharArray();
  }

  private static String string(Map<String, ?> configs, String key) {
    Object v = configs.get(key);
    if (v == null) {
      return null;
    }
    // Kafka's Password type (a config built by AbstractConfig) prints "[hidden]": take its value.
    String s = v instanceof org.apache.kafka.common.config.types.Password p ? p.value() : v.toString();
    s = s.strip();
    return s.isEmpty() ? null : s;
  }

  @Override
  public String toString() {
    return "RegistryConnection[" + (user == null ? "no auth" : "basic auth as " + user) + ", "
        + (ssl == null ? "default trust" : "own trust/key stores") + "]";
  }
}
