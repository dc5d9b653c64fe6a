package io.shiq.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.shiq.app.ShiqCommand;
import io.shiq.app.cli.EnvironmentOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The deployment files as tests see them: the repository's {@code deploy/} folder, the role command lines of
 * {@code deploy/roles.yaml}, and the check that an environment variable a deployment sets is one that shiq reads.
 */
public final class DeployFiles {
  /** Variables shiq reads that are not options: the data directory, JVM options of the launcher. */
  public static final Set<String> OTHER_VARIABLES = EnvironmentOptions.RESERVED;
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private DeployFiles() {}

  /** The repository root (the tests run in tests/). */
  public static Path root() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("deploy/roles.yaml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no deploy/roles.yaml above " + here);
  }

  public static Path deploy(String relative) {
    return root().resolve("deploy").resolve(relative);
  }

  public static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(file + " does not parse as YAML: " + e.getMessage(), e);
    }
  }

  /** Every document of a multi-document YAML file (empty documents dropped). */
  public static List<JsonNode> yamlDocuments(String text) {
    try (var parser = YAML.getFactory().createParser(text)) {
      List<JsonNode> out = new ArrayList<>();
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode() && n.size() > 0) {
          out.add(n);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("not YAML: " + e.getMessage(), e);
    }
  }

  /** Role name to its arguments (after the image's entrypoint, {@code java -jar shiq.jar}). */
  public static Map<String, List<String>> roleArgs() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    JsonNode roles = yaml(deploy("roles.yaml")).get("roles");
    for (Iterator<Map.Entry<String, JsonNode>> it = roles.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<String> args = new ArrayList<>();
      e.getValue().get("args").forEach(a -> args.add(a.asText()));
      out.put(e.getKey(), args);
    }
    return out;
  }

  /** Role name to the environment roles.yaml suggests for it. */
  public static Map<String, String> roleEnvironment(String role) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode env = yaml(deploy("roles.yaml")).get("roles").get(role).get("env");
    if (env != null) {
      env.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  /** The command {@code args} run (e.g. {@code [ab, evaluate]} is {@code shiq ab evaluate}). */
  public static CommandLine command(List<String> args) {
    CommandLine cl = ShiqCommand.commandLine();
    CommandLine.ParseResult r = cl.parseArgs(args.toArray(new String[0]));
    while (r.hasSubcommand()) {
      r = r.subcommand();
    }
    return r.commandSpec().commandLine();
  }

  /**
   * Fails unless every {@code SHIQ_*} variable in {@code env} sets an option of the command {@code args} runs (or is
   * one of {@link #OTHER_VARIABLES}); {@code where} names the file and service in the message.
   */
  public static void assertReadByShiq(String where, List<String> args, Map<String, String> env) {
    CommandLine command = command(args);
    List<String> known = new ArrayList<>();
    for (CommandLine.Model.OptionSpec o : command.getCommandSpec().options()) {
      if (o.longestName().startsWith("--") && !o.typeInfo().isMap()
          && !EnvironmentOptions.RESERVED.contains(EnvironmentOptions.variable(o.longestName()))) {
        known.add(EnvironmentOptions.variable(o.longestName()));
      }
    }
    for (String name : env.keySet()) {
      if (!name.startsWith(EnvironmentOptions.PREFIX) || OTHER_VARIABLES.contains(name)) {
        continue;
      }
      assertTrue(known.contains(name), where + ": " + name + " is not read by 'shiq " + String.join(" ", args)
          + "' (it reads " + known + ")");
    }
  }

  /** Fails unless {@code args} equals the arguments of {@code role} in roles.yaml. */
  public static void assertRoleArgs(String where, String role, List<String> args) {
    List<String> expected = roleArgs().get(role);
    assertNotNull(expected, where + ": no role '" + role + "' in deploy/roles.yaml (roles: " + roleArgs().keySet()
        + ")");
    assertEquals(expected, args, where + ": runs " + args + ", not role " + role + "'s " + expected
        + " from deploy/roles.yaml");
  }
}
