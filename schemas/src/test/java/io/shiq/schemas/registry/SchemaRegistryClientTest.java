package io.shiq.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {

  @Test
  void unreachableRegistryFailsAfterBoundedRetriesNamingTheUrl() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String url = "http://localhost:" + port;
    SchemaRegistryClient client = new SchemaRegistryClient(url, 3, Duration.ofMillis(50), Duration.ofSeconds(2));
    long t0 = System.nanoTime();
    var e = assertThrows(RegistryUnreachableException.class, () -> client.schemaById(1));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(e.getMessage().contains(url), e.getMessage());
    assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
    assertEquals(url, e.url());
    assertTrue(ms >= 150, "two back-offs of 50 and 100 ms expected, took " + ms + " ms");
  }

  @Test
  void badUrlsAreRejectedAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new SchemaRegistryClient("localhost:8081"));
    assertThrows(IllegalArgumentException.class,
        () -> new SchemaRegistryClient("http://x", 0, Duration.ZERO, Duration.ofSeconds(1)));
  }

  @Test
  void firstOfSeveralUrlsIsUsedAndTrailingSlashDropped() {
    assertEquals("http://a:1", new SchemaRegistryClient("http://a:1/, http://b:2").baseUrl());
  }
}
