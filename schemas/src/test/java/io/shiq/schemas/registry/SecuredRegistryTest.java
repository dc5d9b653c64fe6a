package io.shiq.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.RewardEvent;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded registry over HTTPS with basic auth, and the registry client configured as Confluent's clients are
 * ({@code basic.auth.*}, {@code schema.registry.ssl.*}): the right settings work; a wrong password, no credentials or
 * an untrusted certificate each fail with a message that says which, and never shows a password.
 */
class SecuredRegistryTest {
  private static final String PASSWORD = "registry-pw-7f3a9c";
  private static final String STORE_PASSWORD = "store-pw-51d0e2";
  private static EmbeddedSchemaRegistry registry;
  private static Path trustStore;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    Path keyStore = dir.resolve("localhost.p12");
    Path cert = dir.resolve("localhost.pem");
    trustStore = dir.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
        "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "localhost", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
        "-storepass", STORE_PASSWORD, "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "localhost", "-file", cert.toString(), "-storetype", "PKCS12",
        "-keystore", trustStore.toString(), "-storepass", STORE_PASSWORD);
    registry = EmbeddedSchemaRegistry.startInMemory(new EmbeddedSchemaRegistry.Security(keyStore, STORE_PASSWORD,
        Map.of("actor", PASSWORD)));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private static Map<String, String> settings(String userInfo) {
    Map<String, String> m = new HashMap<>();
    if (userInfo != null) {
      m.put(RegistryConnection.CREDENTIALS_SOURCE, "USER_INFO");
      m.put(RegistryConnection.USER_INFO, userInfo);
    }
    m.put(RegistryConnection.TRUSTSTORE_LOCATION, trustStore.toString());
    m.put(RegistryConnection.TRUSTSTORE_PASSWORD, STORE_PASSWORD);
    m.put(RegistryConnection.TRUSTSTORE_TYPE, "PKCS12");
    return m;
  }

  private static SchemaRegistryClient client(Map<String, String> settings, String url) {
    return new SchemaRegistryClient(url, 1, java.time.Duration.ofMillis(10), java.time.Duration.ofSeconds(10),
        RegistryConnection.from(settings, url));
  }

  @Test
  void theRightCredentialsOverTrustedTlsWork() {
    assertTrue(registry.url().startsWith("https://localhost:"), registry.url());
    SchemaRegistryClient c = client(settings("actor:" + PASSWORD), registry.url());
    int id = c.register("secured-value", RewardEvent.getClassSchema());
    assertEquals(RewardEvent.getClassSchema(), c.schemaById(id));
    assertTrue(c.subjects().contains("secured-value"));
  }

  @Test
  void credentialsInTheUrlWorkAndNeverReachAMessage() {
    String url = registry.url().replace("https://", "https://actor:" + PASSWORD + "@");
    Map<String, String> s = settings(null);
    s.put(RegistryConnection.CREDENTIALS_SOURCE, "URL");
    SchemaRegistryClient c = client(s, url);
    assertFalse(c.baseUrl().contains(PASSWORD), c.baseUrl());
    assertTrue(c.subjects() != null);
  }

  @Test
  void aWrongPasswordOrNoneIsRefusedSayingWhy() {
    RegistryException wrong = assertThrows(RegistryException.class,
        () -> client(settings("actor:not-the-password"), registry.url()).subjects());
    assertEquals(401, wrong.httpStatus());
    assertTrue(wrong.getMessage().contains("refused user 'actor'"), wrong.getMessage());
    assertFalse(wrong.getMessage().contains("not-the-password"), wrong.getMessage());

    RegistryException none = assertThrows(RegistryException.class,
        () -> client(settings(null), registry.url()).subjects());
    assertEquals(401, none.httpStatus());
    assertTrue(none.getMessage().contains(RegistryConnection.USER_INFO), none.getMessage());
  }

  @Test
  void anUntrustedCertificateIsNotAnswered() {
    // No trust store: the JVM's CAs do not know this self-signed certificate.
    SchemaRegistryClient c = client(Map.of(RegistryConnection.USER_INFO, "actor:" + PASSWORD), registry.url());
    RegistryUnreachableException e = assertThrows(RegistryUnreachableException.class, c::subjects);
    assertTrue(e.getMessage().contains(registry.url()), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void badSettingsNameTheKey() {
    IllegalArgumentException source = assertThrows(IllegalArgumentException.class, () -> RegistryConnection.from(
        Map.of(RegistryConnection.CREDENTIALS_SOURCE, "SASL_INHERIT"), registry.url()));
    assertTrue(source.getMessage().contains(RegistryConnection.CREDENTIALS_SOURCE), source.getMessage());
    IllegalArgumentException store = assertThrows(IllegalArgumentException.class, () -> RegistryConnection.from(
        Map.of(RegistryConnection.TRUSTSTORE_LOCATION, "/nonexistent/trust.p12"), registry.url()));
    assertTrue(store.getMessage().contains(RegistryConnection.TRUSTSTORE_LOCATION), store.getMessage());
    Map<String, String> wrongPassword = settings(null);
    wrongPassword.put(RegistryConnection.TRUSTSTORE_PASSWORD, "wrong-store-pw");
    IllegalArgumentException pw = assertThrows(IllegalArgumentException.class,
        () -> RegistryConnection.from(wrongPassword, registry.url()));
    assertTrue(pw.getMessage().contains(RegistryConnection.TRUSTSTORE_LOCATION), pw.getMessage());
    assertFalse(pw.getMessage().contains("wrong-store-pw"), pw.getMessage());
  }

  @Test
  void kafkaClientsGiveTheRegistryItsSettingsAndKafkaNone() {
    Map<String, String> client = settings("actor:" + PASSWORD);
    client.put("security.protocol", "PLAINTEXT");
    KafkaSettings s = new KafkaSettings("localhost:9", registry.url(), client);
    KafkaClients clients = new KafkaClients(s);
    assertTrue(clients.registry().subjects() != null, "the factory's registry client is authenticated");
    assertTrue(clients.serdeConfig().containsKey(RegistryConnection.USER_INFO), "reflective serdes get them too");
    String printed = s.toString();
    assertFalse(printed.contains(PASSWORD) || printed.contains(STORE_PASSWORD), printed);
    assertTrue(printed.contains("PLAINTEXT"), printed);
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool " + args[0] + ": " + out);
  }
}
