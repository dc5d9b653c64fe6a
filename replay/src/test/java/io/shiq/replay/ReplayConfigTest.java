package io.shiq.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayConfigTest {
  private static Properties base() {
    Properties p = new Properties();
    p.put("bootstrap.servers", "localhost:9092");
    p.put("schema.registry.url", "http://localhost:8081");
    return p;
  }

  @Test
  void yamlAndPropertiesFilesGiveTheSameOptions(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("replay.yaml");
    Files.writeString(yaml, "bootstrap.servers: localhost:9092\nschema.registry.url: http://localhost:8081\n"
        + "replay:\n  sampler: prioritized\n  batch.size: 64\n  fresh:\n    fraction: 0.25\n");
    Path props = dir.resolve("replay.properties");
    Files.writeString(props, "bootstrap.servers=localhost:9092\nschema.registry.url=http://localhost:8081\n"
        + "replay.sampler=prioritized\nreplay.batch.size=64\nreplay.fresh.fraction=0.25\n");
    ReplayConfig a = ReplayConfig.from(ReplayConfig.readFile(yaml));
    ReplayConfig b = ReplayConfig.from(ReplayConfig.readFile(props));
    assertEquals(64, a.batchSize());
    assertEquals("prioritized", a.sampler().name());
    assertEquals(0.25, a.mixer().freshFraction());
    assertEquals(b.batchSize(), a.batchSize());
    assertEquals(b.mixer(), a.mixer());
  }

  @Test
  void badOptionsAreNamed() {
    for (String[] bad : new String[][] {{"replay.batch.size", "0"}, {"replay.batch.size", "many"},
        {"replay.sampler", "random"}, {"replay.remover", "oldest"}, {"replay.fresh.fraction", "1.5"},
        {"replay.staleness.action", "ignore"}, {"replay.samples.per.insert", "0"}}) {
      Properties p = base();
      p.put(bad[0], bad[1]);
      var e = assertThrows(IllegalArgumentException.class, () -> ReplayConfig.from(p), bad[0]);
      assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
    }
    var e = assertThrows(IllegalArgumentException.class, () -> ReplayConfig.from(new Properties()));
    assertTrue(e.getMessage().contains("bootstrap.servers"), e.getMessage());
  }

  @Test
  void defaultsAreExactlyOnceAndDocumented() {
    ReplayConfig c = ReplayConfig.from(base());
    assertEquals("exactly_once_v2", c.streams().getProperty("processing.guarantee"));
    assertEquals(32, c.batchSize());
    ReplayConfig.OPTIONS.forEach((k, d) -> assertTrue(d[1] != null && !d[1].isBlank(), k));
  }
}
