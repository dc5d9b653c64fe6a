package io.shiq.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.shiq.tests.deploy.Dockerfile.Instruction;
import io.shiq.tests.deploy.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * deploy/docker/Dockerfile, read by a small parser (no Docker engine needed): the stages and what each runtime stage
 * runs, against the repository it builds from (the poms, the sources it copies, the jar the app module makes, the
 * CUDA profile of the root pom, deploy/roles.yaml) and its .dockerignore.
 */
class DeployImageTest {
  static final List<String> RUNTIME_STAGES = List.of("runtime-cpu", "runtime-cuda");
  static final String JAR = "/opt/shiq/shiq.jar";
  static final String LIB = "/opt/shiq/lib";

  static Path dockerfilePath() {
    return DeployFiles.deploy("docker/Dockerfile");
  }

  static Dockerfile dockerfile() {
    return Dockerfile.read(dockerfilePath());
  }

  private static Stage stage(Dockerfile d, String name) {
    return d.stage(name).orElseThrow(() -> new AssertionError(d.file() + " has no stage '" + name + "' (stages: "
        + d.stages().stream().map(Stage::name).toList() + ")"));
  }

  /** Pinned: a digest, or a tag that carries a version (major.minor at least), never {@code latest}. */
  static void assertPinned(String where, String image) {
    if (image.contains("@sha256:")) {
      return;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    assertTrue(colon > slash, where + ": image '" + image + "' has no tag (it means :latest); pin a version");
    String tag = image.substring(colon + 1);
    assertNotEquals("latest", tag, where + ": image '" + image + "' is not pinned");
    assertTrue(Pattern.compile("\\d+\\.\\d+").matcher(tag).find(), where + ": image '" + image
        + "' has a tag without a version (major.minor at least): it moves");
  }

  // --------------------------------------------------------------------------------------------------------------
  // The parser itself (so that the checks below read the file as Docker does).

  @Test
  void parserReadsContinuationsStagesArgsAndForms() {
    Dockerfile d = Dockerfile.parse(Path.of("test"), String.join("\n",
        "# syntax=docker/dockerfile:1",
        "ARG BASE=debian:12.5",
        "ARG V",
        "",
        "FROM ${BASE} AS one",
        "# a comment",
        "ENV A=1 \\",
        "    # a comment inside a continuation",
        "    B=\"two words\"",
        "RUN --mount=type=cache,target=/x echo \\",
        "    hello",
        "FROM one AS Two",
        "ARG V=2",
        "LABEL x.y=\"v $V\"",
        "ENTRYPOINT [\"java\", \"-jar\", \"/a.jar\"]",
        "HEALTHCHECK --interval=5s CMD curl -f http://x/metrics"));
    assertEquals("docker/dockerfile:1", d.directives().get("syntax"));
    assertEquals("debian:12.5", d.globalArgs().get("BASE"));
    assertEquals(2, d.stages().size());
    Stage one = d.stage("one").orElseThrow();
    assertEquals("debian:12.5", d.base(one));
    assertEquals(Map.of("A", "1", "B", "two words"), d.environment(one));
    Instruction run = one.last("RUN").orElseThrow();
    assertEquals(Map.of("mount", "type=cache,target=/x"), run.flags());
    assertEquals("echo hello", run.arguments().replaceAll("\\s+", " "));
    Stage two = d.stage("two").orElseThrow();
    assertEquals(one, d.parent(two).orElseThrow());
    assertEquals("v 2", d.labels(two).get("x.y"));
    assertEquals(Map.of("A", "1", "B", "two words"), d.environment(two));
    assertEquals(List.of("java", "-jar", "/a.jar"), two.last("ENTRYPOINT").orElseThrow().json().orElseThrow());
    assertEquals("CMD curl -f http://x/metrics", d.effective(two, "HEALTHCHECK").orElseThrow().arguments());
    assertThrows(IllegalArgumentException.class, () -> Dockerfile.parse(Path.of("t"), "FROM a:1.0\nRUN x \\"));
    assertThrows(IllegalArgumentException.class, () -> Dockerfile.parse(Path.of("t"), "FROM a:1.0\nRUN <<EOF\nx\nEOF"));
    assertThrows(AssertionError.class, () -> assertPinned("t", "eclipse-temurin"));
    assertThrows(AssertionError.class, () -> assertPinned("t", "eclipse-temurin:latest"));
    assertThrows(AssertionError.class, () -> assertPinned("t", "localhost:5000/shiq"));
    assertThrows(AssertionError.class, () -> assertPinned("t", "eclipse-temurin:17-jre"));
    assertPinned("t", "localhost:5000/shiq:1.2.3");
    assertPinned("t", "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
  }

  @Test
  void dockerIgnoreMatchesAsDockerDoes() {
    DockerIgnore ignore = DockerIgnore.parse("# c\n**/target\n/runs/\n*.log\n!keep.log\ndocs/*.md\n");
    assertTrue(ignore.excludes("target"));
    assertTrue(ignore.excludes("app/target/shiq.jar"));
    assertTrue(ignore.excludes("runs/x/report.html"));
    assertFalse(ignore.excludes("app/runs"));
    assertTrue(ignore.excludes("a.log"));
    assertFalse(ignore.excludes("keep.log"));
    assertFalse(ignore.excludes("app/a.log"));
    assertTrue(ignore.excludes("docs/a.md"));
    assertFalse(ignore.excludes("docs/x/a.md"));
    assertFalse(ignore.excludes("app/src/main/java/Target.java"));
  }

  // --------------------------------------------------------------------------------------------------------------
  // deploy/docker/Dockerfile

  @Test
  void bothRuntimeStagesExistAfterTheBuildStage() {
    Dockerfile d = dockerfile();
    Stage build = stage(d, "build");
    for (String name : RUNTIME_STAGES) {
      Stage s = stage(d, name);
      assertTrue(s.index() > build.index(), name + " comes after the build stage");
    }
  }

  @Test
  void everyBaseImageIsPinned() {
    Dockerfile d = dockerfile();
    for (Stage s : d.stages()) {
      if (d.parent(s).isEmpty()) {
        assertPinned(d.file().getFileName() + " line " + s.from().line() + " (stage " + s.name() + ")", d.base(s));
      }
      for (Instruction in : s.instructions()) {
        String from = in.flags().get("from");
        if (from != null && d.stage(from).isEmpty()) {
          assertPinned(d.file().getFileName() + " " + in, from);
        }
      }
    }
  }

  @Test
  void runtimeStagesRunAsANonRootNumericUserThatOwnsTheImagesDirectories() {
    Dockerfile d = dockerfile();
    for (String name : RUNTIME_STAGES) {
      Stage s = stage(d, name);
      Instruction user = d.effective(s, "USER").orElseThrow(() -> new AssertionError(name + " sets no USER: it "
          + "would run as root"));
      String u = Dockerfile.substitute(user.arguments().strip(), d.variables(s));
      Matcher m = Pattern.compile("(\\d+)(?::(\\d+))?").matcher(u);
      assertTrue(m.matches(), name + ": USER " + u + " is not numeric (uid[:gid]); Kubernetes' runAsNonRoot needs "
          + "a numeric user to check");
      assertNotEquals("0", m.group(1), name + ": USER is root");
      String uid = m.group(1);
      List<String> runs = runs(d, s);
      assertTrue(runs.stream().anyMatch(r -> r.matches("(?s).*useradd\\b.*--uid " + uid + "\\b.*")), name
          + ": no RUN creates user " + uid + " (useradd --uid " + uid + ")");
      for (String dir : List.of("/var/lib/shiq", "/etc/shiq", "/data")) {
        assertTrue(runs.stream().anyMatch(r -> r.matches("(?s).*chown\\b[^;&]*\\b" + uid + "\\b[^;&]*"
            + Pattern.quote(dir) + "\\b.*")), name + ": " + dir + " is not chowned to " + uid);
      }
    }
  }

  @Test
  void pathsTheRolesUseLieInDirectoriesTheUserOwns() {
    for (String role : DeployFiles.roleArgs().keySet()) {
      for (Map.Entry<String, String> e : DeployFiles.roleEnvironment(role).entrySet()) {
        if (e.getValue().startsWith("/")) {
          assertTrue(e.getValue().startsWith("/var/lib/shiq/") || e.getValue().startsWith("/etc/shiq/")
              || e.getValue().startsWith("/data/"), "roles.yaml " + role + " " + e.getKey() + "=" + e.getValue()
              + " is outside the directories the image gives its user (/var/lib/shiq, /etc/shiq, /data)");
        }
      }
    }
  }

  @Test
  void healthcheckScrapesTheMetricsEndpointWithAToolTheStageInstalls() {
    Dockerfile d = dockerfile();
    for (String name : RUNTIME_STAGES) {
      Stage s = stage(d, name);
      Instruction hc = d.effective(s, "HEALTHCHECK").orElseThrow(() -> new AssertionError(name
          + " has no HEALTHCHECK"));
      List<String> w = Dockerfile.words(hc.arguments());
      assertEquals("CMD", w.get(0), name + ": HEALTHCHECK CMD ..., not " + hc.arguments());
      String command = String.join(" ", w.subList(1, w.size()));
      assertTrue(command.matches(".*http://localhost:\\$\\{SHIQ_METRICS_PORT:-\\d+}/metrics.*"), name
          + ": the health check should request http://localhost:${SHIQ_METRICS_PORT:-PORT}/metrics: " + command);
      String tool = w.get(1);
      assertTrue(runs(d, s).stream().anyMatch(r -> r.matches("(?s).*\\binstall\\b[^;&]*\\s" + Pattern.quote(tool)
          + "(\\s.*|$)")), name + ": the health check runs '" + tool + "', which no RUN of the stage installs");
      Optional<String> port = d.effective(s, "EXPOSE").map(i -> i.arguments().strip());
      Matcher m = Pattern.compile("SHIQ_METRICS_PORT:-(\\d+)").matcher(command);
      assertTrue(m.find());
      assertEquals(Optional.of(m.group(1)), port, name + ": EXPOSE the default metrics port");
      for (String role : List.of("replay", "learner", "actor", "evaluator")) {
        assertEquals(m.group(1), DeployFiles.roleEnvironment(role).get("SHIQ_METRICS_PORT"), "roles.yaml " + role
            + ": SHIQ_METRICS_PORT is the port the image's health check and EXPOSE use");
      }
    }
  }

  @Test
  void entrypointRunsTheJarAndLibrariesTheBuildStageMakes() throws Exception {
    Dockerfile d = dockerfile();
    for (String name : RUNTIME_STAGES) {
      Stage s = stage(d, name);
      List<String> entrypoint = d.effective(s, "ENTRYPOINT").orElseThrow(() -> new AssertionError(name
          + " has no ENTRYPOINT")).json().orElseThrow(() -> new AssertionError(name + ": ENTRYPOINT in exec form "
          + "(JSON), so that java is PID 1 and gets SIGTERM"));
      assertEquals("java", entrypoint.get(0), name + ": " + entrypoint);
      int jar = entrypoint.indexOf("-jar");
      assertTrue(jar > 0 && jar + 1 == entrypoint.size() - 1, name + ": the entrypoint ends with -jar " + JAR
          + " (roles.yaml's args follow it): " + entrypoint);
      assertEquals(JAR, entrypoint.get(jar + 1), name);
      assertTrue(entrypoint.stream().anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage=")), name
          + ": size the heap from the container's memory limit: " + entrypoint);

      Map<String, String> copied = new LinkedHashMap<>(); // destination -> "stage:absolute source"
      for (Stage c : d.chain(s)) {
        for (Instruction in : c.all("COPY")) {
          String from = in.flags().get("from");
          if (from == null || d.stage(from).isEmpty()) {
            continue;
          }
          List<String> ops = Dockerfile.copyOperands(in);
          Stage source = d.stage(from).orElseThrow();
          for (String src : ops.subList(0, ops.size() - 1)) {
            String abs = src.startsWith("/") ? src : d.workdir(source, null) + "/" + src;
            copied.put(trimSlash(ops.get(ops.size() - 1)), source.name() + ":" + trimSlash(abs));
          }
        }
      }
      String jarFrom = copied.get(JAR);
      String libFrom = copied.get(LIB);
      assertTrue(jarFrom != null && libFrom != null, name + ": COPY --from=<build stage> of the jar to " + JAR
          + " and of its lib/ to " + LIB + "/ (found " + copied + ")");
      String buildName = jarFrom.substring(0, jarFrom.indexOf(':'));
      assertEquals(buildName, libFrom.substring(0, libFrom.indexOf(':')), name + ": jar and lib/ from one stage");
      Stage build = stage(d, buildName);
      Instruction packageRun = mavenPackage(d, build);
      String dir = workdir(d, build, packageRun);
      assertEquals(buildName + ":" + dir + "/app/target/shiq.jar", jarFrom, name
          + ": the jar is the app module's (app/target/shiq.jar under the build stage's WORKDIR)");
      assertEquals(buildName + ":" + dir + "/app/target/lib", libFrom, name + ": lib/ is app/target/lib");
    }
    // The jar finds its dependencies in lib/ beside it, as the app pom writes the manifest.
    Element app = pom(DeployFiles.root().resolve("app/pom.xml"));
    assertEquals("shiq", text(child(app, "build"), "finalName"), "app/pom.xml: <finalName>shiq</finalName> names "
        + "app/target/shiq.jar");
    String appPom = Files.readString(DeployFiles.root().resolve("app/pom.xml"));
    assertTrue(appPom.contains("<classpathPrefix>lib/</classpathPrefix>") && appPom.contains("<addClasspath>true"),
        "app/pom.xml: the manifest class path is lib/*, as " + LIB + " beside " + JAR);
    assertTrue(appPom.contains("${project.build.directory}/lib"), "app/pom.xml copies the dependencies to "
        + "target/lib");
  }

  /** The build stage's RUN that packages the app: {@code mvn ... -pl app -am ... package}, offline. */
  private static Instruction mavenPackage(Dockerfile d, Stage build) {
    List<Instruction> runs = build.all("RUN").stream().filter(r -> r.arguments().matches(
        "(?s).*\\bmvn\\b.*-pl app -am\\b.*\\bpackage\\b.*")).toList();
    assertFalse(runs.isEmpty(), "stage " + build.name() + " runs no 'mvn ... -pl app -am ... package'");
    return runs.get(runs.size() - 1);
  }

  private static String workdir(Dockerfile d, Stage s, Instruction before) {
    return trimSlash(d.workdir(s, before));
  }

  private static String trimSlash(String p) {
    String s = p.replaceAll("/+", "/");
    return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Test
  void theBuildStageCopiesEveryPomAndTheSourcesOfEveryModuleTheAppNeeds() throws Exception {
    Dockerfile d = dockerfile();
    Instruction packageRun = mavenPackage(d, stage(d, "build"));
    Stage build = stage(d, "build");
    Set<String> copiedBefore = new LinkedHashSet<>();
    for (Instruction in : build.instructions()) {
      if (in == packageRun) {
        break;
      }
      if (in.keyword().equals("COPY") && !in.flags().containsKey("from")) {
        List<String> ops = Dockerfile.copyOperands(in);
        ops.subList(0, ops.size() - 1).forEach(src -> copiedBefore.add(trimSlash(src)));
      }
    }
    Path root = DeployFiles.root();
    List<String> modules = modules(root);
    assertTrue(copiedBefore.contains("pom.xml"), "the build stage copies the root pom");
    for (String m : modules) {
      assertTrue(copiedBefore.contains(m + "/pom.xml"), "the build stage copies " + m + "/pom.xml: Maven reads "
          + "every module of the root pom, even with -pl app");
    }
    for (String m : appModules(root, modules)) {
      assertTrue(copiedBefore.contains(m + "/src"), "the build stage copies " + m + "/src before packaging: 'mvn "
          + "-pl app -am' builds module " + m);
    }
  }

  @Test
  void everySourceCopiedFromTheContextExistsAndIsNotIgnored() throws IOException {
    Dockerfile d = dockerfile();
    Path root = DeployFiles.root();
    DockerIgnore ignore = DockerIgnore.read(dockerIgnorePath());
    int sources = 0;
    for (Stage s : d.stages()) {
      for (Instruction in : s.instructions()) {
        if (!(in.keyword().equals("COPY") || in.keyword().equals("ADD")) || in.flags().containsKey("from")) {
          continue;
        }
        List<String> ops = Dockerfile.copyOperands(in);
        for (String src : ops.subList(0, ops.size() - 1)) {
          sources++;
          assertFalse(src.contains("*") || src.contains("?") || src.contains("://"), in
              + ": a literal path of the repository, please (checked here)");
          Path p = root.resolve(src).normalize();
          assertTrue(p.startsWith(root) && Files.exists(p), d.file().getFileName() + " " + in + ": " + src
              + " does not exist in the repository (the build context)");
          try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
              String rel = root.relativize(f).toString().replace('\\', '/');
              if (!rel.contains("/target/")) {
                assertFalse(ignore.excludes(rel), dockerIgnorePath().getFileName() + " leaves out " + rel
                    + ", which " + in + " copies");
              }
            }
          }
        }
      }
    }
    assertTrue(sources > 10, "sources copied from the context: " + sources);
  }

  @Test
  void theCudaVariantSelectsTheCudaProfileOfTheRootPom() throws Exception {
    Dockerfile d = dockerfile();
    Stage build = stage(d, "build");
    assertEquals("cpu", d.variables(build).get("VARIANT"), "ARG VARIANT=cpu in the build stage");
    for (Instruction run : build.all("RUN")) {
      if (run.arguments().matches("(?s).*\\bmvn\\b.*")) {
        assertTrue(run.arguments().matches("(?s).*\\bcuda\\)\\s*profile=\"?-Pcuda\"?.*")
            && run.arguments().contains("$VARIANT") && run.arguments().contains("$profile"), run
            + ": VARIANT=cuda selects the Maven profile cuda (-Pcuda)");
      }
    }
    Element pom = pom(DeployFiles.root().resolve("pom.xml"));
    String cpuArtifact = text(child(pom, "properties"), "pytorch.native.artifact");
    String cudaArtifact = children(child(pom, "profiles"), "profile").stream()
        .filter(profile -> "cuda".equals(text(profile, "id")))
        .map(profile -> text(child(profile, "properties"), "pytorch.native.artifact")).findFirst().orElse(null);
    assertTrue(cudaArtifact != null, "the root pom has a profile 'cuda' setting pytorch.native.artifact");
    assertEquals("pytorch-native-cpu", cpuArtifact);
    Matcher cu = Pattern.compile("pytorch-native-cu(\\d+)(\\d)").matcher(cudaArtifact);
    assertTrue(cu.matches(), cudaArtifact);
    // Each runtime stage refuses a build of the other variant, naming the artifact the pom selects.
    assertTrue(runs(d, stage(d, "runtime-cpu")).stream().anyMatch(r -> r.contains(LIB + "/" + cpuArtifact + "-")),
        "runtime-cpu checks for " + cpuArtifact + " in " + LIB);
    Stage cuda = stage(d, "runtime-cuda");
    assertTrue(runs(d, cuda).stream().anyMatch(r -> r.contains(LIB + "/" + cudaArtifact + "-")),
        "runtime-cuda checks for " + cudaArtifact + " in " + LIB);
    // The CUDA of the base image is the one libtorch was built for.
    String base = d.base(d.chain(cuda).get(0));
    String cudaVersion = cu.group(1) + "." + cu.group(2);
    assertTrue(base.startsWith("nvidia/cuda:" + cudaVersion + "."), "runtime-cuda's base " + base + " is CUDA "
        + cudaVersion + ", as " + cudaArtifact);
    // ... and it has a JRE.
    Map<String, String> env = d.environment(cuda);
    assertTrue(env.getOrDefault("PATH", "").contains(env.getOrDefault("JAVA_HOME", "?") + "/bin"), "runtime-cuda "
        + "puts $JAVA_HOME/bin on the PATH: " + env);
    assertTrue(d.instructions(cuda).stream().anyMatch(i -> i.keyword().equals("COPY") && i.flags().containsKey(
        "from") && Dockerfile.copyOperands(i).get(0).equals(env.get("JAVA_HOME"))), "runtime-cuda copies the JRE "
        + "at JAVA_HOME from the Temurin image");
  }

  @Test
  void runtimeStagesTakeDataFromAMountAndCarryOciLabels() throws Exception {
    Dockerfile d = dockerfile();
    String version = text(pom(DeployFiles.root().resolve("pom.xml")), "version");
    for (String name : RUNTIME_STAGES) {
      Stage s = stage(d, name);
      assertEquals("/data", d.environment(s).get("SHIQ_DATA"), name + ": ENV SHIQ_DATA=/data");
      for (Instruction in : d.instructions(s)) {
        if (in.keyword().equals("COPY") || in.keyword().equals("ADD")) {
          List<String> ops = Dockerfile.copyOperands(in);
          assertFalse(ops.get(ops.size() - 1).startsWith("/data"), name + ": " + in + ": models and data are "
              + "mounted at /data, never baked in");
        }
      }
      Map<String, String> labels = d.labels(s);
      for (String key : List.of("title", "description", "version", "revision", "base.name")) {
        assertTrue(labels.containsKey("org.opencontainers.image." + key), name + ": LABEL org.opencontainers.image."
            + key + " (labels: " + labels.keySet() + ")");
      }
      assertEquals(version, labels.get("org.opencontainers.image.version"), name + ": the image version label is "
          + "the root pom's version");
      assertEquals(d.base(d.chain(s).get(0)), labels.get("org.opencontainers.image.base.name"), name);
    }
  }

  @Test
  void dockerIgnoreLeavesOutBuildOutputsAndRuns() {
    DockerIgnore ignore = DockerIgnore.read(dockerIgnorePath());
    for (String p : List.of("target/x", "app/target/shiq.jar", "app/target/lib/a.jar", "learner/target/classes/A"
        + ".class", "runs/2025/report.html", ".git/HEAD", "checkpoints/learner/step-1/x")) {
      assertTrue(ignore.excludes(p), dockerIgnorePath().getFileName() + " should leave out " + p + " (patterns: "
          + ignore.patterns() + ")");
    }
  }

  static Path dockerIgnorePath() {
    return DeployFiles.deploy("docker/Dockerfile.dockerignore");
  }

  // --------------------------------------------------------------------------------------------------------------

  private static List<String> runs(Dockerfile d, Stage s) {
    return d.instructions(s).stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::arguments).toList();
  }

  /** The modules of the root pom, in order. */
  static List<String> modules(Path root) throws Exception {
    List<String> out = new ArrayList<>();
    for (Element m : children(child(pom(root.resolve("pom.xml")), "modules"), "module")) {
      out.add(m.getTextContent().strip());
    }
    return out;
  }

  /** The app module and every module it depends on (io.shiq, any scope), transitively: what -pl app -am builds. */
  static Set<String> appModules(Path root, List<String> modules) throws Exception {
    Map<String, String> byArtifact = new LinkedHashMap<>();
    Map<String, List<String>> deps = new LinkedHashMap<>();
    for (String m : modules) {
      Element pom = pom(root.resolve(m).resolve("pom.xml"));
      byArtifact.put(text(pom, "artifactId"), m);
      List<String> d = new ArrayList<>();
      Element dependencies = child(pom, "dependencies");
      if (dependencies != null) {
        for (Element dep : children(dependencies, "dependency")) {
          if ("io.shiq".equals(text(dep, "groupId"))) {
            d.add(text(dep, "artifactId"));
          }
        }
      }
      deps.put(m, d);
    }
    Set<String> out = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of("app"));
    while (!todo.isEmpty()) {
      String m = todo.pop();
      if (out.add(m)) {
        for (String a : deps.getOrDefault(m, List.of())) {
          String dep = byArtifact.get(a);
          if (dep == null) {
            fail(m + "/pom.xml depends on " + a + ", which no module of the root pom is");
          }
          todo.push(dep);
        }
      }
    }
    return out;
  }

  static Element pom(Path file) throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(false);
    return factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
  }

  static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().strip();
  }
}
