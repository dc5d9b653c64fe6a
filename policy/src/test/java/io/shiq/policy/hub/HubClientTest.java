package io.shiq.policy.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.io.ModelInit;
import io.shiq.policy.io.Safetensors;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubClient} against a Hub on 127.0.0.1 serving a tiny sharded model ({@link FakeHub}). */
class HubClientTest {
  private static final String REPO = "test-org/tiny-llama";
  private static final String SHARD1 = "model-00001-of-00002.safetensors";
  private static final String SHARD2 = "model-00002-of-00002.safetensors";
  private static final long SEED = 7;

  @TempDir
  Path tmp;
  private Path served;
  private LlamaConfig config;

  /** A `model init --shape tiny` model, its weights split in two shards with an index, plus files not to fetch. */
  @BeforeEach
  void writeModel() throws IOException, URISyntaxException {
    served = tmp.resolve("served");
    Path tokenizer = Path.of(HubClientTest.class.getResource("/hf-tiny/tokenizer.json").toURI());
    config = ModelInit.write(LlamaConfig.tiny(ModelInit.tokenizerVocab(tokenizer)), SEED, tokenizer,
        ModelInit.Format.HF, served);
    Path single = served.resolve("model.safetensors");
    Map<String, long[]> shapes = LlamaWeights.expectedShapes(config);
    Map<String, float[]> first = new LinkedHashMap<>();
    Map<String, float[]> second = new LinkedHashMap<>();
    ObjectNode index = new ObjectMapper().createObjectNode();
    index.putObject("metadata").put("total_size", Files.size(single));
    ObjectNode map = index.putObject("weight_map");
    for (var e : Safetensors.read(single).entrySet()) {
      boolean one = e.getKey().startsWith("model.embed") || e.getKey().startsWith("model.layers.0.");
      (one ? first : second).put(e.getKey(), e.getValue().data());
      map.put(e.getKey(), one ? SHARD1 : SHARD2);
    }
    Safetensors.write(served.resolve(SHARD1), first, subset(shapes, first), Safetensors.DType.F32, Map.of());
    Safetensors.write(served.resolve(SHARD2), second, subset(shapes, second), Safetensors.DType.F32, Map.of());
    new ObjectMapper().writeValue(served.resolve("model.safetensors.index.json").toFile(), index);
    Files.createDirectories(served.resolve("original"));
    Files.move(single, served.resolve("original/consolidated.safetensors"));
    Files.writeString(served.resolve("README.md"), "# tiny\n");
  }

  private static Map<String, long[]> subset(Map<String, long[]> shapes, Map<String, float[]> keys) {
    Map<String, long[]> out = new LinkedHashMap<>();
    keys.keySet().forEach(k -> out.put(k, shapes.get(k)));
    return out;
  }

  private HubClient client(FakeHub hub, HubCache cache, String token) {
    return new HubClient(cache, hub.endpoint(), token, Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  private static HubCache.ModelRef ref() {
    return new HubCache.ModelRef(REPO, null);
  }

  @Test
  void pullsIntoTheHuggingFaceLayoutAndTheModelLoadsByPathAndByRepoId() throws IOException {
    HubCache cache = new HubCache(tmp.resolve("hf/hub"));
    try (FakeHub hub = new FakeHub(REPO, served)) {
      HubClient.PullResult r = client(hub, cache, null).pull(ref(), List.of(), DownloadListener.NONE);
      Path repo = tmp.resolve("hf/hub/models--test-org--tiny-llama");
      Path snap = repo.resolve("snapshots/" + FakeHub.COMMIT);
      assertEquals(snap, r.snapshot());
      assertEquals(FakeHub.COMMIT, Files.readString(repo.resolve("refs/main")));
      assertEquals(List.of("config.json", "generation_config.json", "model-00001-of-00002.safetensors",
          "model-00002-of-00002.safetensors", "model.safetensors.index.json", "tokenizer.json",
          "tokenizer_config.json"), list(snap));
      assertEquals(7, r.downloaded());
      // LFS files are stored under their sha256, the others under their git blob sha1, linked from the snapshot.
      byte[] shard = hub.file(SHARD1);
      assertTrue(Files.isSymbolicLink(snap.resolve(SHARD1)));
      assertEquals(Path.of("../../blobs/" + FakeHub.sha256(shard)), Files.readSymbolicLink(snap.resolve(SHARD1)));
      assertArrayEquals(shard, Files.readAllBytes(repo.resolve("blobs/" + FakeHub.sha256(shard))));
      assertTrue(Files.isRegularFile(repo.resolve("blobs/" + FakeHub.gitSha1(hub.file("config.json")))));
      assertTrue(hub.requestsMatching("README").isEmpty() && hub.requestsMatching("original").isEmpty(),
          "fetched files a loader does not need: " + hub.requests);

      try (PolicyModel loaded = PolicyModel.load(snap, Device.cpu());
           LlamaWeights expected = LlamaWeights.random(loaded.weights().config(), SEED, Device.cpu())) {
        assertEquals(config, loaded.weights().config());
        Map<String, float[]> want = expected.toHost();
        loaded.weights().toHost().forEach((name, v) -> assertArrayEquals(want.get(name), v, name));
      }
      assertEquals(snap, cache.resolveModel(REPO));
      assertEquals(snap, cache.resolveModel(REPO + "@" + FakeHub.COMMIT));
      assertEquals(snap, cache.resolveModel(REPO + "@main"));

      // A second pull finds everything in place and downloads nothing.
      hub.requests.clear();
      HubClient.PullResult again = client(hub, cache, null).pull(ref(), List.of(), DownloadListener.NONE);
      assertEquals(0, again.downloaded());
      assertEquals(List.of(), hub.requestsMatching("/resolve/"));
    }
  }

  @Test
  void aFileWithAWrongHashIsNamedAndNeverEntersTheSnapshot() {
    HubCache cache = new HubCache(tmp.resolve("hub"));
    try (FakeHub hub = new FakeHub(REPO, served)) {
      byte[] bad = hub.file(SHARD2).clone();
      bad[bad.length - 1] ^= 1;
      hub.corrupt.put(SHARD2, bad);
      HubException e = assertThrows(HubException.class,
          () -> client(hub, cache, null).pull(ref(), List.of(), DownloadListener.NONE));
      assertEquals(HubException.Reason.CHECKSUM, e.reason());
      assertTrue(e.getMessage().contains(SHARD2) && e.getMessage().contains("sha256"), e.getMessage());
      Path repo = cache.repoDir(REPO);
      assertFalse(Files.exists(repo.resolve("snapshots/" + FakeHub.COMMIT + "/" + SHARD2)));
      assertFalse(Files.exists(repo.resolve("refs/main")), "a ref must only name complete snapshots");
      assertFalse(Files.exists(cache.blob(REPO, FakeHub.sha256(hub.file(SHARD2)))));
      assertFalse(Files.exists(cache.blob(REPO, FakeHub.sha256(hub.file(SHARD2)) + ".incomplete")));
      assertThrows(IllegalArgumentException.class, () -> cache.resolveModel(REPO));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aConnectionCutMidFileResumesWithARangeRequest() throws IOException {
    HubCache cache = new HubCache(tmp.resolve("hub"));
    try (FakeHub hub = new FakeHub(REPO, served)) {
      hub.cutAfter.put(SHARD1, 1000);
      HubException e = assertThrows(HubException.class,
          () -> client(hub, cache, null).pull(ref(), List.of(), DownloadListener.NONE));
      assertEquals(HubException.Reason.INTERRUPTED, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains(SHARD1) && e.getMessage().contains("again"), e.getMessage());
      assertFalse(e.getMessage().contains("timed out"), "the cut must be seen as such, not as a timeout: " + e);
      Path part = cache.blob(REPO, FakeHub.sha256(hub.file(SHARD1)) + ".incomplete");
      assertEquals(1000, Files.size(part));
      assertFalse(Files.exists(cache.snapshotDir(REPO, FakeHub.COMMIT).resolve(SHARD1)));

      long[] resumedFrom = {-1};
      HubClient.PullResult r = client(hub, cache, null).pull(ref(), List.of(), new DownloadListener() {
        @Override
        public void fileStarted(String file, long size, long resumed) {
          if (file.equals(SHARD1)) {
            resumedFrom[0] = resumed;
          }
        }
      });
      assertEquals(1000, resumedFrom[0]);
      assertEquals(1, hub.requestsMatching("/cdn/" + FakeHub.sha256(hub.file(SHARD1)) + "/" + SHARD1
          + " Range=bytes=1000-").size(), hub.requests.toString());
      assertFalse(Files.exists(part));
      assertArrayEquals(hub.file(SHARD1), Files.readAllBytes(r.snapshot().resolve(SHARD1)));
    }
  }

  @Test
  void unauthorizedSaysToSetHfTokenAndTheTokenIsSent() throws IOException {
    HubCache cache = new HubCache(tmp.resolve("hub"));
    try (FakeHub hub = new FakeHub(REPO, served)) {
      hub.requiredToken = "hf_secret";
      HubException e = assertThrows(HubException.class,
          () -> client(hub, cache, null).pull(ref(), List.of(), DownloadListener.NONE));
      assertEquals(HubException.Reason.UNAUTHORIZED, e.reason());
      assertTrue(e.getMessage().contains("HF_TOKEN") && e.getMessage().contains("gated or private"),
          e.getMessage());
      HubClient.PullResult r = client(hub, cache, "hf_secret").pull(ref(), List.of(), DownloadListener.NONE);
      assertTrue(Files.isRegularFile(r.snapshot().resolve(SHARD2)));
    }
  }

  @Test
  void unknownRepositoriesAndRevisionsAreNotFound() throws IOException {
    HubCache cache = new HubCache(tmp.resolve("hub"));
    try (FakeHub hub = new FakeHub(REPO, served)) {
      HubException repo = assertThrows(HubException.class, () -> client(hub, cache, null)
          .pull(new HubCache.ModelRef("test-org/nope", null), List.of(), DownloadListener.NONE));
      assertEquals(HubException.Reason.NOT_FOUND, repo.reason());
      assertTrue(repo.getMessage().contains("test-org/nope") && repo.getMessage().contains("not found"),
          repo.getMessage());
      HubException rev = assertThrows(HubException.class, () -> client(hub, cache, null)
          .pull(new HubCache.ModelRef(REPO, "v9"), List.of(), DownloadListener.NONE));
      assertTrue(rev.getMessage().contains("revision 'v9' not found"), rev.getMessage());
    }
  }

  @Test
  void anUnreachableEndpointFailsFastWithOneLineSayingWhatToDo() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    HubClient client = new HubClient(new HubCache(tmp.resolve("hub")), endpoint, null);
    long start = System.nanoTime();
    HubException e = assertThrows(HubException.class, () -> client.pull(ref(), List.of(), DownloadListener.NONE));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 10, "took " + seconds + " s");
    assertEquals(HubException.Reason.UNREACHABLE, e.reason());
    assertTrue(e.getMessage().contains(endpoint) && e.getMessage().contains("--model FOLDER")
        && e.getMessage().contains("config.json"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertFalse(Files.exists(tmp.resolve("hub")), "nothing written");
  }

  @Test
  void aCacheWrittenByPythonToolsIsReusedWithoutDownloading() throws IOException {
    // huggingface_hub's layout, by hand: blobs named by hash, relative links, refs/main.
    Path repo = tmp.resolve("hf/hub/models--test-org--tiny-llama");
    Path snap = repo.resolve("snapshots/" + FakeHub.COMMIT);
    Files.createDirectories(repo.resolve("blobs"));
    Files.createDirectories(snap);
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), FakeHub.COMMIT);
    try (FakeHub hub = new FakeHub(REPO, served)) {
      for (String name : List.of("config.json", "generation_config.json", "tokenizer.json",
          "tokenizer_config.json", SHARD1, SHARD2, "model.safetensors.index.json")) {
        byte[] b = hub.file(name);
        String blob = FakeHub.lfs(name) ? FakeHub.sha256(b) : FakeHub.gitSha1(b);
        Files.write(repo.resolve("blobs/" + blob), b);
        Files.createSymbolicLink(snap.resolve(name), Path.of("../../blobs/" + blob));
      }
      HubCache cache = new HubCache(tmp.resolve("hf/hub"));
      assertEquals(snap, cache.resolveModel(REPO)); // offline: no Hub needed to load it
      HubClient.PullResult r = client(hub, cache, null).pull(ref(), List.of(), DownloadListener.NONE);
      assertEquals(0, r.downloaded());
      assertEquals(List.of(), hub.requestsMatching("/resolve/"), hub.requests.toString());
      assertEquals(1, hub.requestsMatching("/api/models/").size());
      try (PolicyModel loaded = PolicyModel.load(cache.resolveModel(REPO), Device.cpu())) {
        assertEquals(config, loaded.weights().config());
      }
    }
  }

  @Test
  void gitBlobHashesCheckNonLfsFiles() throws IOException {
    Path f = tmp.resolve("config.json");
    Files.writeString(f, "{\"a\": 1}\n", StandardCharsets.UTF_8);
    byte[] b = Files.readAllBytes(f);
    assertEquals(null, HubClient.verify(f, new HubClient.RemoteFile("config.json", b.length, FakeHub.gitSha1(b),
        null)));
    String problem = HubClient.verify(f, new HubClient.RemoteFile("config.json", b.length,
        "0000000000000000000000000000000000000000", null));
    assertTrue(problem != null && problem.contains("git blob sha1"), problem);
    Path empty = Files.createFile(tmp.resolve("empty"));
    assertEquals(null, HubClient.verify(empty, new HubClient.RemoteFile("empty", 0,
        "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", null)), "git hash-object of an empty file");
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
