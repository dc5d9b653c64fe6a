package io.shiq.policy.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubCacheTest {
  private static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

  @Test
  void theCacheDirectoryFollowsHuggingFaceHubsVariables() {
    String home = System.getProperty("user.home");
    assertEquals(Path.of(home, ".cache", "huggingface", "hub"), HubCache.defaultRoot(Map.of()));
    assertEquals(Path.of("/x/huggingface/hub"), HubCache.defaultRoot(Map.of("XDG_CACHE_HOME", "/x")));
    assertEquals(Path.of("/h/hub"), HubCache.defaultRoot(Map.of("HF_HOME", "/h", "XDG_CACHE_HOME", "/x")));
    assertEquals(Path.of("/c"), HubCache.defaultRoot(Map.of("HF_HUB_CACHE", "/c", "HF_HOME", "/h")));
    assertEquals(Path.of(home, "hf"), HubCache.defaultRoot(Map.of("HF_HOME", "~/hf")).getParent());
  }

  @Test
  void modelNamesAreRepositoryIdsWithAnOptionalRevision() {
    assertEquals(Optional.of(new HubCache.ModelRef("Qwen/Qwen2.5-0.5B", "main")),
        HubCache.ModelRef.parse("Qwen/Qwen2.5-0.5B"));
    assertEquals(Optional.of(new HubCache.ModelRef("Qwen/Qwen2.5-0.5B", "refs/pr/3")),
        HubCache.ModelRef.parse("Qwen/Qwen2.5-0.5B@refs/pr/3"));
    assertEquals(Optional.empty(), HubCache.ModelRef.parse("/abs/path"));
    assertEquals(Optional.empty(), HubCache.ModelRef.parse("a/b/c"));
    assertEquals(Optional.empty(), HubCache.ModelRef.parse("../x"));
    assertEquals("Qwen/Q@v1", new HubCache.ModelRef("Qwen/Q", "v1").toString());
  }

  @Test
  void resolutionPrefersPathsThenTheCacheAndSaysHowToPull(@TempDir Path tmp) throws IOException {
    HubCache cache = new HubCache(tmp.resolve("hub"));
    Path snap = cache.snapshotDir("org/name", COMMIT);
    Files.createDirectories(snap);
    Files.createDirectories(cache.refFile("org/name", "v1").getParent());
    Files.writeString(cache.refFile("org/name", "v1"), COMMIT + "\n");
    assertEquals(snap, cache.resolveModel("org/name@v1"));
    assertEquals(snap, cache.resolveModel("org/name@" + COMMIT));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.resolveModel("org/name"));
    assertTrue(e.getMessage().contains("shiq model pull org/name") && e.getMessage().contains("org/name@v1"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> cache.resolveModel("org/other@v2"));
    assertTrue(e.getMessage().contains("shiq model pull org/other --revision v2"), e.getMessage());
    Path local = Files.createDirectories(tmp.resolve("org/name"));
    assertEquals(local, new HubCache(tmp.resolve("hub")).resolveModel(local.toString()));
    assertEquals(Path.of("/no/such/model"), cache.resolveModel("/no/such/model"));

    List<HubCache.Snapshot> all = cache.snapshots();
    assertEquals(1, all.size());
    assertEquals("org/name@v1", all.get(0).name());
    assertEquals(List.of("v1"), all.get(0).refs());
  }
}
