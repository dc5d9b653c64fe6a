package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The module graph drawn in the README is the one in the poms, and no module depends on a peer it should not: actors,
 * replay and learner share only schemas and policy, and the learner never sees environments.
 */
class ModuleGraphTest {
  private static final Pattern MODULE = Pattern.compile("<module>([a-z]+)</module>");
  private static final Pattern DEPENDENCY = Pattern.compile(
      "<dependency><groupId>io\\.shiq</groupId><artifactId>shiq-([a-z]+)</artifactId>(<version>[^<]*</version>)?"
          + "(<type>[a-z-]+</type>)?(<scope>([a-z]+)</scope>)?");
  private static final Pattern EDGE = Pattern.compile("^\\s+([a-z]+) --> ([a-z]+)\\s*$", Pattern.MULTILINE);

  @Test
  void theReadmesModuleGraphIsThePoms() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Set<String> fromPoms = new TreeSet<>();
    Matcher modules = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
    while (modules.find()) {
      String module = modules.group(1);
      Matcher deps = DEPENDENCY.matcher(Files.readString(root.resolve(module).resolve("pom.xml")));
      while (deps.find()) {
        String scope = deps.group(5);
        if (!module.equals(deps.group(1)) && (scope == null || scope.equals("compile"))) {
          fromPoms.add(module + " --> " + deps.group(1));
        }
      }
    }
    String readme = Files.readString(root.resolve("README.md"));
    int section = readme.indexOf("### Modules");
    String drawing = readme.substring(readme.indexOf("```mermaid", section), readme.indexOf("```\n", readme.indexOf(
        "```mermaid", section) + 3));
    Set<String> drawn = new TreeSet<>();
    Matcher edges = EDGE.matcher(drawing);
    while (edges.find()) {
      drawn.add(edges.group(1) + " --> " + edges.group(2));
    }
    assertEquals(fromPoms, drawn, "README.md's module graph (### Modules) differs from the poms");

    for (String peer : Set.of("actor", "replay")) {
      assertFalse(fromPoms.contains(peer + " --> learner"), peer + " must not depend on learner");
    }
    assertFalse(fromPoms.contains("learner --> envs"), "the learner must not see environments");
    assertFalse(fromPoms.contains("learner --> actor") || fromPoms.contains("learner --> replay"),
        "the learner must not depend on its peers");
    assertTrue(fromPoms.contains("actor --> envs"), "the graph was not read (no actor --> envs edge)");
  }
}
