package io.shiq.policy.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model cache of Python's {@code huggingface_hub}, shared with it in both directions:
 * <pre>
 *   $HF_HUB_CACHE (default $HF_HOME/hub, HF_HOME default ~/.cache/huggingface)
 *     models--org--name/
 *       blobs/&lt;sha256 of LFS files, git sha1 of the others&gt;   (and &lt;blob&gt;.incomplete while downloading)
 *       snapshots/&lt;commit&gt;/&lt;file&gt;  -&gt; ../../blobs/&lt;blob&gt;   (a copy where symlinks fail)
 *       refs/&lt;revision&gt;                 the commit hash the revision pointed to
 * </pre>
 * A model is named {@code org/name} (revision main) or {@code org/name@revision} (a branch, tag or commit).
 */
public final class HubCache {
  private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][\\w.-]*(/[A-Za-z0-9][\\w.-]*)?");
  private static final Pattern MODEL_SPEC = Pattern.compile("([A-Za-z0-9][\\w.-]*/[A-Za-z0-9][\\w.-]*)(@([\\w./-]+))?");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  private final Path root;

  /** @param root the hub directory (the one holding {@code models--org--name} folders) */
  public HubCache(Path root) {
    this.root = root;
  }

  /** A model of the cache: a repository at a revision. */
  public record ModelRef(String repoId, String revision) {
    public ModelRef {
      if (repoId == null || !REPO_ID.matcher(repoId).matches() || repoId.contains("..")) {
        throw new IllegalArgumentException("not a Hugging Face repository id: '" + repoId + "' (expected org/name)");
      }
      if (revision == null || revision.isBlank()) {
        revision = "main";
      }
      if (revision.contains("..")) {
        throw new IllegalArgumentException("bad revision '" + revision + "'");
      }
    }

    /** {@code org/name} or {@code org/name@revision}; empty when {@code spec} does not look like either. */
    public static Optional<ModelRef> parse(String spec) {
      Matcher m = MODEL_SPEC.matcher(spec);
      if (!m.matches() || spec.contains("..")) {
        return Optional.empty();
      }
      return Optional.of(new ModelRef(m.group(1), m.group(3)));
    }

    @Override
    public String toString() {
      return revision.equals("main") ? repoId : repoId + "@" + revision;
    }
  }

  /** A snapshot in the cache, with the revisions (refs) that point at it. */
  public record Snapshot(String repoId, String commit, List<String> refs, Path dir) {
    /** {@code org/name} when main points here, else {@code org/name@ref} or {@code org/name@commit}. */
    public String name() {
      if (refs.contains("main")) {
        return repoId;
      }
      return repoId + "@" + (refs.isEmpty() ? commit : refs.get(0));
    }
  }

  /** The cache of the environment: HF_HUB_CACHE, else HF_HOME/hub, else $XDG_CACHE_HOME or ~/.cache /huggingface/hub. */
  public static HubCache fromEnvironment() {
    return new HubCache(defaultRoot(System.getenv()));
  }

  static Path defaultRoot(Map<String, String> env) {
    for (String key : new String[] {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"}) {
      if (notBlank(env.get(key))) {
        return expandHome(env.get(key));
      }
    }
    return home(env).resolve("hub");
  }

  /** HF_HOME, default $XDG_CACHE_HOME/huggingface or ~/.cache/huggingface (as huggingface_hub). */
  static Path home(Map<String, String> env) {
    if (notBlank(env.get("HF_HOME"))) {
      return expandHome(env.get("HF_HOME"));
    }
    String xdg = env.get("XDG_CACHE_HOME");
    Path cache = notBlank(xdg) ? expandHome(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("huggingface");
  }

  public Path root() {
    return root;
  }

  public Path repoDir(String repoId) {
    return root.resolve("models--" + repoId.replace("/", "--"));
  }

  public Path blob(String repoId, String blobName) {
    return repoDir(repoId).resolve("blobs").resolve(blobName);
  }

  public Path snapshotDir(String repoId, String commit) {
    return repoDir(repoId).resolve("snapshots").resolve(commit);
  }

  public Path refFile(String repoId, String revision) {
    return repoDir(repoId).resolve("refs").resolve(revision);
  }

  /** The commit a revision stands for: a commit hash with a snapshot, or what refs/REVISION holds. */
  public Optional<String> commitOf(ModelRef ref) {
    if (COMMIT.matcher(ref.revision()).matches() && Files.isDirectory(snapshotDir(ref.repoId(), ref.revision()))) {
      return Optional.of(ref.revision());
    }
    Path file = refFile(ref.repoId(), ref.revision());
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String commit = Files.readString(file, StandardCharsets.UTF_8).strip();
      return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The snapshot directory of {@code ref}, when the cache holds it. */
  public Optional<Path> snapshot(ModelRef ref) {
    return commitOf(ref).map(c -> snapshotDir(ref.repoId(), c)).filter(Files::isDirectory);
  }

  /**
   * What {@code --model SPEC} names: an existing path as it is; else a model of the cache ({@code org/name} or
   * {@code org/name@revision}); else the path as given (the loader then says it does not exist).
   *
   * @throws IllegalArgumentException when SPEC looks like a repository id that the cache does not hold
   */
  public Path resolveModel(String spec) {
    Path path = null;
    try {
      path = Path.of(spec);
      if (Files.exists(path)) {
        return path;
      }
    } catch (InvalidPathException ignored) {
      // not a path on this system: maybe a repository id
    }
    Optional<ModelRef> ref = ModelRef.parse(spec);
    if (ref.isEmpty()) {
      if (path == null) {
        throw new IllegalArgumentException("--model '" + spec + "' is neither a path nor a repository id (org/name)");
      }
      return path;
    }
    Optional<Path> snapshot = snapshot(ref.get());
    if (snapshot.isPresent()) {
      return snapshot.get();
    }
    List<String> cached = snapshots(ref.get().repoId()).stream().map(Snapshot::name).toList();
    throw new IllegalArgumentException("--model " + spec + ": no such path, and the Hugging Face cache " + root
        + (cached.isEmpty() ? " does not hold " + ref.get().repoId() : " holds only " + String.join(", ", cached))
        + "; download it with: shiq model pull " + ref.get().repoId()
        + (ref.get().revision().equals("main") ? "" : " --revision " + ref.get().revision()));
  }

  /** Every snapshot of every model repository in the cache, by repository then commit. */
  public List<Snapshot> snapshots() {
    List<Snapshot> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    List<Path> repos = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root, "models--*")) {
      s.forEach(repos::add);
    } catch (IOException e) {
      return out;
    }
    repos.sort(null);
    for (Path repo : repos) {
      String name = repo.getFileName().toString().substring("models--".length());
      int sep = name.indexOf("--");
      String repoId = sep < 0 ? name : name.substring(0, sep) + "/" + name.substring(sep + 2);
      out.addAll(snapshots(repoId));
    }
    return out;
  }

  /** The snapshots of one repository, with the refs pointing at each. */
  public List<Snapshot> snapshots(String repoId) {
    Path dir = repoDir(repoId);
    Map<String, List<String>> refs = new TreeMap<>();
    Path refsDir = dir.resolve("refs");
    if (Files.isDirectory(refsDir)) {
      try (Stream<Path> files = Files.walk(refsDir)) {
        files.filter(Files::isRegularFile).sorted().forEach(f -> {
          try {
            String commit = Files.readString(f, StandardCharsets.UTF_8).strip();
            String ref = refsDir.relativize(f).toString().replace('\\', '/');
            refs.computeIfAbsent(commit, k -> new ArrayList<>()).add(ref);
          } catch (IOException ignored) {
            // an unreadable ref names nothing
          }
        });
      } catch (IOException ignored) {
        // no refs
      }
    }
    List<Snapshot> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve("snapshots"))) {
      for (Path snap : s) {
        if (Files.isDirectory(snap)) {
          String commit = snap.getFileName().toString();
          List<String> names = new ArrayList<>(refs.getOrDefault(commit, List.of()));
          names.sort((a, b) -> a.equals("main") ? -1 : b.equals("main") ? 1 : a.compareTo(b));
          out.add(new Snapshot(repoId, commit, List.copyOf(names), snap));
        }
      }
    } catch (IOException e) {
      return out;
    }
    out.sort((a, b) -> a.commit().compareTo(b.commit()));
    return out;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static Path expandHome(String p) {
    return p.startsWith("~/") ? Path.of(System.getProperty("user.home"), p.substring(2)) : Path.of(p);
  }
}
