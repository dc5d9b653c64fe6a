package io.shiq.policy.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub on 127.0.0.1 serving one model repository, in the Hub's API layout: the revision API with
 * {@code ?blobs=true} metadata, {@code resolve/} URLs (LFS files, the safetensors, redirect to a {@code cdn/} URL as
 * on the Hub), Range requests, and failures on demand.
 */
final class FakeHub implements AutoCloseable {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final ObjectMapper JSON = new ObjectMapper();

  final String repoId;
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final HttpServer server;
  /** Plain socket server for cut transfers: HttpServer cannot drop a connection mid-body. */
  private final ServerSocket cutter;
  /** Every request: "METHOD /path" plus " Range=..." and " Auth=..." when sent. */
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  /** Files served with different bytes than the API lists (the listed hash stays that of the real file). */
  final Map<String, byte[]> corrupt = new ConcurrentHashMap<>();
  /** LFS files whose next transfer stops after this many bytes, the connection then closed. */
  final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
  /** When set, every request needs "Authorization: Bearer TOKEN", else 401. */
  volatile String requiredToken;

  /** Serves every file under {@code dir} as the repository {@code repoId}. */
  FakeHub(String repoId, Path dir) throws IOException {
    this.repoId = repoId;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    cutter = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::cutLoop, "fake-hub-cutter");
    t.setDaemon(true);
    t.start();
  }

  /** Answers one GET with the full Content-Length, sends only the first cutAfter bytes and closes the socket. */
  private void cutLoop() {
    while (!cutter.isClosed()) {
      try (Socket s = cutter.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String path = in.readLine().split(" ")[1];
        String range = null;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("range:")) {
            range = line.substring(6).strip();
          }
        }
        requests.add("GET " + path + (range == null ? "" : " Range=" + range) + " (cut)");
        String name = path.substring(path.indexOf('/', "/cdn/".length()) + 1);
        byte[] body = files.get(name);
        int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
        int cut = cutAfter.remove(name);
        OutputStream out = s.getOutputStream();
        out.write(((from > 0 ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + from + "-" + (body.length - 1)
            + "/" + body.length + "\r\n" : "HTTP/1.1 200 OK\r\n") + "Content-Length: " + (body.length - from)
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, from, cut);
        out.flush();
      } catch (IOException | RuntimeException e) {
        // closed, or a bad request: the test will say
      }
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  byte[] file(String name) {
    return files.get(name);
  }

  static boolean lfs(String name) {
    return name.endsWith(".safetensors");
  }

  static String sha256(byte[] b) {
    return hex("SHA-256", null, b);
  }

  static String gitSha1(byte[] b) {
    return hex("SHA-1", ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII), b);
  }

  private static String hex(String algorithm, byte[] prefix, byte[] b) {
    try {
      MessageDigest d = MessageDigest.getInstance(algorithm);
      if (prefix != null) {
        d.update(prefix);
      }
      return HexFormat.of().formatHex(d.digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  List<String> requestsMatching(String part) {
    synchronized (requests) {
      return requests.stream().filter(r -> r.contains(part)).toList();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String range = ex.getRequestHeaders().getFirst("Range");
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      requests.add(ex.getRequestMethod() + " " + path + (range == null ? "" : " Range=" + range)
          + (auth == null ? "" : " Auth=" + auth));
      if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
        send(ex, 401, "{\"error\":\"Invalid credentials in Authorization header\"}", null);
        return;
      }
      String api = "/api/models/" + repoId + "/revision/";
      String resolve = "/" + repoId + "/resolve/";
      if (path.startsWith(api)) {
        String rev = java.net.URLDecoder.decode(path.substring(api.length()), StandardCharsets.UTF_8);
        if (!rev.equals("main") && !rev.equals(COMMIT)) {
          send(ex, 404, "{\"error\":\"Invalid rev id: " + rev + "\"}", "RevisionNotFound");
          return;
        }
        send(ex, 200, info(), null);
      } else if (path.startsWith("/api/models/")) {
        send(ex, 401, "{\"error\":\"Repository Not Found\"}", "RepoNotFound");
      } else if (path.startsWith(resolve)) {
        String rest = path.substring(resolve.length());
        String name = rest.substring(rest.indexOf('/') + 1);
        byte[] body = files.get(name);
        if (body == null) {
          send(ex, 404, "{\"error\":\"Entry not found\"}", "EntryNotFound");
        } else if (lfs(name)) {
          String cdn = cutAfter.containsKey(name) ? "http://127.0.0.1:" + cutter.getLocalPort() : "";
          ex.getResponseHeaders().add("Location", cdn + "/cdn/" + sha256(body) + "/" + name);
          ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(body) + "\"");
          ex.getResponseHeaders().add("X-Linked-Size", Integer.toString(body.length));
          ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
          ex.sendResponseHeaders(302, -1);
        } else {
          ex.getResponseHeaders().add("ETag", "\"" + gitSha1(body) + "\"");
          ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
          serve(ex, name, range);
        }
      } else if (path.startsWith("/cdn/")) {
        String rest = path.substring("/cdn/".length());
        serve(ex, rest.substring(rest.indexOf('/') + 1), range);
      } else {
        send(ex, 404, "{}", null);
      }
    }
  }

  private void serve(HttpExchange ex, String name, String range) throws IOException {
    byte[] body = corrupt.getOrDefault(name, files.get(name));
    int from = 0;
    if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
      from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
      if (from >= body.length) {
        ex.sendResponseHeaders(416, -1);
        return;
      }
      ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
    }
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
      ex.sendResponseHeaders(200, -1);
      return;
    }
    ex.sendResponseHeaders(from > 0 ? 206 : 200, body.length - from);
    OutputStream out = ex.getResponseBody();
    out.write(body, from, body.length - from);
  }

  private String info() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("_id", "fake").put("id", repoId).put("modelId", repoId).put("sha", COMMIT).put("private", false);
    ArrayNode siblings = root.putArray("siblings");
    for (var e : files.entrySet()) {
      ObjectNode s = siblings.addObject();
      s.put("rfilename", e.getKey()).put("size", e.getValue().length).put("blobId", gitSha1(e.getValue()));
      if (lfs(e.getKey())) {
        s.putObject("lfs").put("sha256", sha256(e.getValue())).put("size", e.getValue().length)
            .put("pointerSize", 134);
      }
    }
    return JSON.writeValueAsString(root);
  }

  private static void send(HttpExchange ex, int status, String json, String errorCode) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    if (errorCode != null) {
      ex.getResponseHeaders().add("X-Error-Code", errorCode);
    }
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
    try {
      cutter.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
