package io.shiq.policy.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Downloads a model repository from the Hugging Face Hub (or a mirror) into a {@link HubCache}, as
 * {@code huggingface_hub.snapshot_download} does:
 * <ol>
 *   <li>{@code GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true}: the commit ({@code sha}) and the
 *       files ({@code siblings}: {@code rfilename}, {@code size}, {@code blobId} = git blob sha1, and
 *       {@code lfs.sha256} for LFS files);</li>
 *   <li>{@code GET {endpoint}/{repo}/resolve/{commit}/{file}} for each file a loader needs (LFS files redirect to a
 *       CDN, which gets no token).</li>
 * </ol>
 * A file is written to {@code blobs/<blob>.incomplete} (resumed with {@code Range: bytes=N-} after an interrupted
 * pull), checked against the Hub's size and hash (sha256 for LFS files, the git blob sha1 for the others), renamed
 * to {@code blobs/<blob>} and only then linked into {@code snapshots/<commit>/}. {@code refs/<revision>} is written
 * last, so a revision only ever names a complete snapshot. Files already in the snapshot with the right size (from
 * an earlier pull, or from Python tools) are not downloaded again.
 */
public final class HubClient {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(8);
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  /** What a Llama/Qwen2 loader reads besides the weights (all optional but config.json). */
  public static final List<String> MODEL_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
      "tokenizer_config.json", "special_tokens_map.json", "model.safetensors.index.json");
  static final String INDEX = "model.safetensors.index.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
  private static final int MAX_REDIRECTS = 10;

  private final HubCache cache;
  private final URI endpoint;
  private final String token;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  /** A file of the repository as the Hub describes it; {@code size} -1 and hashes null when it does not say. */
  public record RemoteFile(String name, long size, String blobId, String sha256) {
    /** The blob's name in the cache: the sha256 of an LFS file, else the git blob sha1 (as huggingface_hub). */
    public String blobName() {
      String b = sha256 != null ? sha256 : blobId;
      return b == null ? null : b.replaceAll("[^A-Za-z0-9._-]", "_");
    }
  }

  /** A repository at a commit. */
  public record RepoInfo(HubCache.ModelRef ref, String commit, List<RemoteFile> files) {
    public Optional<RemoteFile> file(String name) {
      return files.stream().filter(f -> f.name().equals(name)).findFirst();
    }
  }

  /** What a pull did. */
  public record PullResult(HubCache.ModelRef ref, String commit, Path snapshot, List<String> files, int downloaded,
                           long downloadedBytes) {}

  /**
   * @param endpoint the Hub, e.g. {@code https://huggingface.co} or a mirror
   * @param token    an access token for private or gated repositories, or null
   */
  public HubClient(HubCache cache, String endpoint, String token) {
    this(cache, endpoint, token, CONNECT_TIMEOUT, READ_TIMEOUT);
  }

  public HubClient(HubCache cache, String endpoint, String token, Duration connectTimeout, Duration readTimeout) {
    this.cache = cache;
    String e = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.strip();
    while (e.endsWith("/")) {
      e = e.substring(0, e.length() - 1);
    }
    try {
      this.endpoint = URI.create(e);
      if (this.endpoint.getHost() == null || !(e.startsWith("http://") || e.startsWith("https://"))) {
        throw new IllegalArgumentException("no http(s) host");
      }
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("Hugging Face endpoint '" + endpoint + "' is not an http(s) URL", ex);
    }
    this.token = token == null || token.isBlank() ? null : token.strip();
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  /**
   * The endpoint and token of the environment, as huggingface_hub reads them: {@code HF_ENDPOINT}; {@code HF_TOKEN}
   * (or the older {@code HUGGING_FACE_HUB_TOKEN}), else the file {@code huggingface-cli login} writes
   * ({@code HF_TOKEN_PATH}, default {@code $HF_HOME/token}).
   */
  public static HubClient fromEnvironment(HubCache cache) {
    return fromEnvironment(cache, null);
  }

  /** As {@link #fromEnvironment(HubCache)}, with {@code endpoint} (when not null) in place of HF_ENDPOINT. */
  public static HubClient fromEnvironment(HubCache cache, String endpoint) {
    Map<String, String> env = System.getenv();
    return new HubClient(cache, endpoint != null ? endpoint : env.get("HF_ENDPOINT"), token(env));
  }

  static String token(Map<String, String> env) {
    for (String key : new String[] {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
      if (env.get(key) != null && !env.get(key).isBlank()) {
        return env.get(key).strip();
      }
    }
    String path = env.get("HF_TOKEN_PATH");
    Path file = path != null && !path.isBlank() ? Path.of(path) : HubCache.home(env).resolve("token");
    try {
      return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
    } catch (IOException e) {
      return null;
    }
  }

  public String endpoint() {
    return endpoint.toString();
  }

  public HubCache cache() {
    return cache;
  }

  /** The commit a revision points to and the repository's files. */
  public RepoInfo info(HubCache.ModelRef ref) {
    String url = endpoint + "/api/models/" + ref.repoId() + "/revision/" + encode(ref.revision()) + "?blobs=true";
    HttpURLConnection c = open(url, "GET", 0, ref, null);
    JsonNode root;
    try (InputStream in = c.getInputStream()) {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new HubException(HubException.Reason.HTTP, url + ": cannot read the answer: " + e.getMessage(), e);
    } finally {
      c.disconnect();
    }
    String commit = root.path("sha").asText("");
    if (!SHA1.matcher(commit).matches()) {
      throw new HubException(HubException.Reason.HTTP, url + ": the answer has no commit hash (\"sha\")");
    }
    List<RemoteFile> files = new ArrayList<>();
    for (JsonNode s : root.path("siblings")) {
      String name = s.path("rfilename").asText("");
      if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains("\\")) {
        continue; // never write outside the snapshot
      }
      JsonNode lfs = s.path("lfs");
      String sha256 = lfs.path("sha256").isTextual() ? lfs.path("sha256").asText() : null;
      long size = lfs.path("size").isNumber() ? lfs.path("size").asLong() : s.path("size").asLong(-1);
      files.add(new RemoteFile(name, size, s.path("blobId").isTextual() ? s.path("blobId").asText() : null, sha256));
    }
    return new RepoInfo(ref, commit, files);
  }

  /**
   * Downloads what a loader needs of {@code ref} ({@link #MODEL_FILES}, the weight shards, and the files matching
   * {@code include} globs) into the cache and returns the snapshot.
   */
  public PullResult pull(HubCache.ModelRef ref, List<String> include, DownloadListener listener) {
    RepoInfo info;
    try {
      info = info(ref);
    } catch (HubException e) {
      if (e.reason() == HubException.Reason.UNREACHABLE) {
        Optional<String> cached = cache.commitOf(ref);
        if (cached.isPresent()) {
          throw new HubException(e.reason(), e.getMessage() + " The cache already holds " + ref + " (commit "
              + cached.get() + "): --model " + ref + " works offline.", e.getCause());
        }
      }
      throw e;
    }
    listener.resolved(ref, info.commit());
    List<PathMatcher> globs = new ArrayList<>();
    for (String g : include == null ? List.<String>of() : include) {
      globs.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
    }
    List<RemoteFile> first = new ArrayList<>();
    List<RemoteFile> weights = new ArrayList<>();
    for (RemoteFile f : info.files()) {
      boolean extra = globs.stream().anyMatch(m -> m.matches(Path.of(f.name())));
      boolean shard = !f.name().contains("/") && f.name().startsWith("model") && f.name().endsWith(".safetensors");
      if (MODEL_FILES.contains(f.name()) || extra) {
        first.add(f);
      } else if (shard) {
        weights.add(f);
      }
    }
    if (info.file(INDEX).isEmpty() && weights.isEmpty() && globs.isEmpty()) {
      throw new HubException(HubException.Reason.NOT_FOUND, ref + " (commit " + info.commit() + ") has no "
          + "model*.safetensors weights; its files: " + names(info.files(), 12)
          + ". shiq loads safetensors (use --include GLOB to fetch other files)");
    }
    if (info.file("config.json").isEmpty() && globs.isEmpty()) {
      throw new HubException(HubException.Reason.NOT_FOUND, ref + " (commit " + info.commit() + ") has no "
          + "config.json; its files: " + names(info.files(), 12));
    }
    Path snapshot = cache.snapshotDir(ref.repoId(), info.commit());
    List<String> done = new ArrayList<>();
    long[] bytes = {0};
    int downloaded = 0;
    for (RemoteFile f : first) {
      downloaded += fetch(info, f, snapshot, listener, bytes) ? 1 : 0;
      done.add(f.name());
    }
    if (info.file(INDEX).isPresent()) {
      weights = new ArrayList<>();
      for (String shard : shardsOf(snapshot.resolve(INDEX))) {
        weights.add(info.file(shard).orElseThrow(() -> new HubException(HubException.Reason.NOT_FOUND, ref + ": "
            + INDEX + " names " + shard + ", which the repository does not have")));
      }
    }
    for (RemoteFile f : weights) {
      if (!done.contains(f.name())) {
        downloaded += fetch(info, f, snapshot, listener, bytes) ? 1 : 0;
        done.add(f.name());
      }
    }
    if (!ref.revision().equals(info.commit())) {
      writeAtomically(cache.refFile(ref.repoId(), ref.revision()), info.commit().getBytes(StandardCharsets.UTF_8));
    }
    return new PullResult(ref, info.commit(), snapshot, List.copyOf(done), downloaded, bytes[0]);
  }

  /** Puts one file into the snapshot; true when it had to be downloaded. */
  private boolean fetch(RepoInfo info, RemoteFile listed, Path snapshot, DownloadListener listener, long[] bytes) {
    Path target = snapshot.resolve(listed.name());
    RemoteFile f = listed.size() >= 0 && listed.blobName() != null ? listed : headMetadata(info, listed);
    try {
      if (Files.isRegularFile(target) && (f.size() < 0 || Files.size(target) == f.size())) {
        listener.fileDone(f.name(), Files.size(target), false);
        return false; // already there: an earlier pull, or huggingface_hub
      }
      Path blob = cache.blob(info.ref().repoId(), f.blobName());
      boolean download = !(Files.isRegularFile(blob) && (f.size() < 0 || Files.size(blob) == f.size()));
      if (download) {
        bytes[0] += download(info, f, blob, listener);
      }
      link(blob, target);
      listener.fileDone(f.name(), Files.size(target), download);
      return download;
    } catch (IOException e) {
      throw new HubException(HubException.Reason.HTTP, target + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** Downloads {@code f} into {@code blob} through {@code blob.incomplete}; returns the bytes transferred. */
  private long download(RepoInfo info, RemoteFile f, Path blob, DownloadListener listener) throws IOException {
    Path part = blob.resolveSibling(blob.getFileName() + ".incomplete");
    Files.createDirectories(blob.getParent());
    long have = Files.isRegularFile(part) ? Files.size(part) : 0;
    if (f.size() >= 0 && have > f.size()) {
      Files.delete(part);
      have = 0;
    }
    long transferred = 0;
    if (f.size() < 0 || have < f.size()) {
      String url = endpoint + "/" + info.ref().repoId() + "/resolve/" + info.commit() + "/" + encodePath(f.name());
      HttpURLConnection c = open(url, "GET", have, info.ref(), f.name());
      long got = have;
      try {
        int status = c.getResponseCode();
        if (status == 416) { // the partial file is not a prefix the server knows: start again
          c.disconnect();
          Files.delete(part);
          return download(info, f, blob, listener);
        }
        boolean append = status == 206 && have > 0;
        String range = c.getHeaderField("Content-Range");
        if (append && range != null && !range.strip().startsWith("bytes " + have + "-")) {
          c.disconnect(); // not the part we asked for: start again
          Files.delete(part);
          return download(info, f, blob, listener);
        }
        if (!append) {
          have = 0; // the server sent the whole file
          got = 0;
        }
        listener.fileStarted(f.name(), f.size(), have);
        try (InputStream in = c.getInputStream();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                 append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
          byte[] buf = new byte[1 << 16];
          int n;
          while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            got += n;
            transferred += n;
            listener.progress(f.name(), got);
          }
        }
      } catch (IOException e) {
        throw interrupted(info, f, got, e.getMessage(), e);
      } finally {
        c.disconnect();
      }
    }
    long size = Files.size(part);
    if (f.size() >= 0 && size < f.size()) {
      throw interrupted(info, f, size, "connection closed early", null);
    }
    String problem = verify(part, f);
    if (problem != null) {
      Files.deleteIfExists(part);
      throw new HubException(HubException.Reason.CHECKSUM, info.ref() + ": " + f.name() + ": " + problem
          + "; the download was deleted and nothing was added to the snapshot; pull again (if it persists, the "
          + "endpoint " + endpoint + " serves corrupt data)");
    }
    Files.move(part, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return transferred;
  }

  private HubException interrupted(RepoInfo info, RemoteFile f, long got, String why, Throwable cause) {
    return new HubException(HubException.Reason.INTERRUPTED, info.ref() + ": download of " + f.name()
        + " interrupted after " + got + (f.size() >= 0 ? " of " + f.size() : "") + " bytes (" + why
        + "); run the same pull again to resume it", cause);
  }

  /** Null when {@code file} has the size and hash the Hub reports, else what differs. */
  static String verify(Path file, RemoteFile f) throws IOException {
    long size = Files.size(file);
    if (f.size() >= 0 && size != f.size()) {
      return "size " + size + " bytes, the Hub says " + f.size();
    }
    String expected;
    MessageDigest digest;
    try {
      if (f.sha256() != null) {
        expected = f.sha256();
        digest = MessageDigest.getInstance("SHA-256");
      } else if (f.blobId() != null && SHA1.matcher(f.blobId()).matches()) {
        expected = f.blobId();
        digest = MessageDigest.getInstance("SHA-1"); // git's blob id: sha1("blob <size>\0" + content)
        digest.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
      } else {
        return null; // the Hub gave no hash we know: the size is all we can check
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        digest.update(buf, 0, n);
      }
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    return actual.equalsIgnoreCase(expected) ? null
        : (f.sha256() != null ? "sha256 " : "git blob sha1 ") + actual + " does not match the Hub's " + expected;
  }

  /** Size and blob hash from a HEAD request, for endpoints that do not list them ({@code ?blobs=true}). */
  private RemoteFile headMetadata(RepoInfo info, RemoteFile f) {
    String url = endpoint + "/" + info.ref().repoId() + "/resolve/" + info.commit() + "/" + encodePath(f.name());
    HttpURLConnection c = open(url, "HEAD", 0, info.ref(), f.name(), true);
    try {
      String etag = c.getHeaderField("X-Linked-Etag");
      if (etag == null) {
        etag = c.getHeaderField("ETag");
      }
      etag = etag == null ? null : etag.replaceFirst("^W/", "").replace("\"", "").strip();
      String sizeHeader = c.getHeaderField("X-Linked-Size");
      if (sizeHeader == null) {
        sizeHeader = c.getHeaderField("Content-Length");
      }
      long size = f.size() >= 0 ? f.size() : sizeHeader == null ? -1 : Long.parseLong(sizeHeader.strip());
      String sha256 = f.sha256() != null ? f.sha256() : etag != null && SHA256.matcher(etag).matches() ? etag : null;
      String blobId = f.blobId() != null ? f.blobId() : sha256 == null ? etag : null;
      if (sha256 == null && blobId == null) {
        throw new HubException(HubException.Reason.HTTP, url + ": the endpoint reports no ETag for " + f.name());
      }
      return new RemoteFile(f.name(), size, blobId, sha256);
    } catch (NumberFormatException e) {
      throw new HubException(HubException.Reason.HTTP, url + ": bad size header: " + e.getMessage(), e);
    } finally {
      c.disconnect();
    }
  }

  private HttpURLConnection open(String url, String method, long rangeStart, HubCache.ModelRef ref, String file) {
    return open(url, method, rangeStart, ref, file, false);
  }

  /**
   * Opens {@code url}, following redirects by hand so that the token goes to the endpoint only (LFS files
   * redirect to a CDN with a signed URL) and the Range header to every hop. Answers 2xx (and 416) come back;
   * anything else becomes a {@link HubException}.
   *
   * @param stopAtCrossHost return the first redirect to another host as it is (HEAD: its X-Linked-* headers)
   */
  private HttpURLConnection open(String url, String method, long rangeStart, HubCache.ModelRef ref, String file,
                                 boolean stopAtCrossHost) {
    String current = url;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpURLConnection c;
      int status;
      try {
        URL u = URI.create(current).toURL();
        c = (HttpURLConnection) u.openConnection();
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout((int) connectTimeout.toMillis());
        c.setReadTimeout((int) readTimeout.toMillis());
        c.setRequestMethod(method);
        c.setRequestProperty("User-Agent", "shiq; java/" + System.getProperty("java.version"));
        c.setRequestProperty("Accept-Encoding", "identity");
        if (token != null && sameOrigin(u)) {
          c.setRequestProperty("Authorization", "Bearer " + token);
        }
        if (rangeStart > 0) {
          c.setRequestProperty("Range", "bytes=" + rangeStart + "-");
        }
        status = c.getResponseCode();
      } catch (ConnectException | UnknownHostException | NoRouteToHostException | SocketTimeoutException e) {
        throw unreachable(current, e);
      } catch (IOException | IllegalArgumentException e) {
        throw hop == 0 ? unreachable(current, e)
            : new HubException(HubException.Reason.HTTP, "cannot fetch " + current + ": " + e.getMessage(), e);
      }
      if (status >= 300 && status < 400 && status != 304) {
        String location = c.getHeaderField("Location");
        if (location == null) {
          c.disconnect();
          throw new HubException(HubException.Reason.HTTP, current + ": HTTP " + status + " without a Location");
        }
        String next = URI.create(current).resolve(location).toString();
        if (stopAtCrossHost && !sameOrigin(URI.create(next))) {
          return c;
        }
        c.disconnect();
        current = next;
        continue;
      }
      if ((status >= 200 && status < 300) || status == 416) {
        return c;
      }
      throw httpError(c, status, current, ref, file);
    }
    throw new HubException(HubException.Reason.HTTP, url + ": more than " + MAX_REDIRECTS + " redirects");
  }

  private boolean sameOrigin(URL u) {
    return sameOrigin(URI.create(u.toString()));
  }

  private boolean sameOrigin(URI u) {
    return endpoint.getHost().equalsIgnoreCase(u.getHost()) && port(endpoint) == port(u)
        && endpoint.getScheme().equalsIgnoreCase(u.getScheme());
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  private HubException unreachable(String url, Exception e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new HubException(HubException.Reason.UNREACHABLE, "cannot reach the Hugging Face Hub at " + endpoint
        + " (" + why + "). Offline? Copy a model in by hand: put its config.json, *.safetensors (with "
        + "model.safetensors.index.json when sharded) and tokenizer.json (+ tokenizer_config.json) in a folder and "
        + "pass --model FOLDER; or set HF_ENDPOINT to a reachable mirror.", e);
  }

  private HubException httpError(HttpURLConnection c, int status, String url, HubCache.ModelRef ref, String file) {
    String code = c.getHeaderField("X-Error-Code");
    String message = c.getHeaderField("X-Error-Message");
    if (message == null) {
      try (InputStream err = c.getErrorStream()) {
        if (err != null) {
          byte[] body = err.readNBytes(2000);
          JsonNode j = JSON.readTree(body);
          message = j.path("error").isTextual() ? j.path("error").asText() : null;
        }
      } catch (IOException | RuntimeException ignored) {
        // the message is optional
      }
    }
    c.disconnect();
    String detail = message == null ? "" : " (" + message.strip() + ")";
    String what = ref + (file == null ? "" : " file " + file);
    if ("RepoNotFound".equals(code) || (status == 404 && code == null && file == null)) {
      return new HubException(HubException.Reason.NOT_FOUND, "repository " + ref.repoId() + " not found on "
          + endpoint + detail + (token == null ? "; if it is private or gated, set HF_TOKEN to an access token"
          : "; check the name, and that HF_TOKEN's account can read it"));
    }
    if ("RevisionNotFound".equals(code)) {
      return new HubException(HubException.Reason.NOT_FOUND, "revision '" + ref.revision() + "' not found in "
          + ref.repoId() + " on " + endpoint + detail + "; --revision takes a branch, tag or commit hash");
    }
    if (status == 404) {
      return new HubException(HubException.Reason.NOT_FOUND, what + ": not found on " + endpoint + " (HTTP 404)"
          + detail);
    }
    if (status == 401 || status == 403) {
      String gated = "GatedRepo".equals(code) ? " is gated: accept its conditions at " + endpoint + "/"
          + ref.repoId() + " and" : " is gated or private:";
      return new HubException(HubException.Reason.UNAUTHORIZED, ref.repoId() + gated + " set HF_TOKEN to an access "
          + "token of an account allowed to read it (" + endpoint + "/settings/tokens)"
          + (token == null ? "" : "; the token given was refused") + " [HTTP " + status + "]" + detail);
    }
    return new HubException(HubException.Reason.HTTP, url + ": HTTP " + status + detail
        + (status == 429 || status >= 500 ? "; try again later" : ""));
  }

  private static List<String> shardsOf(Path index) {
    try {
      Set<String> files = new TreeSet<>();
      JSON.readTree(index.toFile()).path("weight_map").forEach(v -> files.add(v.asText()));
      List<String> out = new ArrayList<>();
      for (String f : files) {
        if (f.contains("..") || f.startsWith("/")) {
          throw new HubException(HubException.Reason.HTTP, index + ": bad shard name " + f);
        }
        out.add(f);
      }
      return out;
    } catch (IOException e) {
      throw new HubException(HubException.Reason.HTTP, index + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Links {@code target} to {@code blob} (relative symlink, as huggingface_hub), or copies where links fail. */
  static void link(Path blob, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    try {
      Files.createSymbolicLink(target, target.getParent().relativize(blob));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
      Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void writeAtomically(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new HubException(HubException.Reason.HTTP, file + ": cannot write: " + e.getMessage(), e);
    }
  }

  private static String names(List<RemoteFile> files, int max) {
    List<String> n = files.stream().map(RemoteFile::name).limit(max).toList();
    return String.join(", ", n) + (files.size() > max ? ", ... (" + files.size() + " files)" : "");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (String part : path.split("/")) {
      out.append(out.length() == 0 ? "" : "/").append(encode(part));
    }
    return out.toString();
  }

  /** Copies (following links) every file of {@code snapshot} into {@code dir}, a plain model directory. */
  public static void export(Path snapshot, Path dir) {
    try {
      Map<Path, Path> files = new LinkedHashMap<>();
      try (var walk = Files.walk(snapshot)) {
        walk.filter(Files::isRegularFile).forEach(p -> files.put(p, dir.resolve(snapshot.relativize(p).toString())));
      }
      for (var e : files.entrySet()) {
        Files.createDirectories(e.getValue().getParent());
        Path tmp = e.getValue().resolveSibling(e.getValue().getFileName() + ".tmp");
        Files.copy(e.getKey(), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, e.getValue(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new HubException(HubException.Reason.HTTP, "cannot copy " + snapshot + " to " + dir + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "HubClient[%s, cache %s]", endpoint, cache.root());
  }
}
