package io.shiq.ab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Experiment;
import io.shiq.policy.Fuzz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Experiment declarations ({@code shiq ab start FILE}, YAML or JSON): random, mutated and restructured files give an
 * experiment or an {@link ExperimentFile.InvalidExperimentException} naming the file; never another exception.
 */
class ExperimentFileFuzzTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final String YAML = """
      id: checkout-prompt-v2
      description: "a test"
      control: baseline
      arms:
        - {name: baseline, line: main, version: 3, weight: 1}
        - {name: candidate, line: candidate, weight: 2.5}
      primaryMetric: mean_reward
      minimumDetectableEffect: 0.05
      alpha: 0.05
      power: 0.8
      guardrails:
        - {metric: kl_to_control, atMost: 0.5}
        - {metric: success, atLeast: 0.1}
      cupedCovariate: user.prior_reward
      envId: story-keyword
      windowSeconds: 60
      minEpisodesPerArm: 100
      maxEpisodesPerArm: 20000
      start: 2026-12-03T10:00:00Z
      stop: 2026-12-10T10:00:00Z
      """;
  private static final String JSON = "{\"id\": \"x\", \"control\": \"a\", \"arms\": [{\"name\": \"a\", "
      + "\"version\": 1}, "
      + "{\"name\": \"b\", \"line\": \"l\", \"weight\": 2}], \"minimumDetectableEffect\": 0.1, \"guardrails\": "
      + "[{\"metric\": \"reward\", \"atLeast\": 0}], \"maxEpisodesPerArm\": 500, \"start\": \"2026-12-03T10:00:00Z\"}";
  private static final String[] TOKENS = {"\n", ": ", "- ", "{", "}", "[", "]", ",", "'", "\"", "&a ", "*a",
      "!!binary ", "!!float ", "---\n", "? ", "|\n", "~", "null", ".inf", ".nan", "-1", "0", "1e999",
      "99999999999999999999", "0x10", "  ", "\t", "#", "\u00e9", "2026-13-45T99:00:00Z", "<<: *a\n"};
  private static final String[] VALUES = {"null", "0", "-1", "1", "0.5", "1e999", "\"\"", "\" \"", "\"a\"", "\"b\"",
      "[]", "{}", "[{}]", "true", "9223372036854775807", "9223372036854775808", "2147483648",
      "\"2026-12-03T10:00:00Z\"",
      "\"not a time\"", "{\"name\": \"a\"}", "[{\"metric\": \"m\", \"atMost\": 1, \"atLeast\": 2}]"};

  static Fuzz.Outcome parse(String text) {
    return Fuzz.decode(text.length(), () -> ExperimentFile.parse(text, "fuzz.yaml", NOW),
        ExperimentFile.InvalidExperimentException.class).naming("fuzz.yaml");
  }

  @Provide
  Arbitrary<String> declarations() {
    return Arbitraries.oneOf(Fuzz.randomText("{}[]:,-'\" \n#&*!|>.0123456789abcdeilmnrt"),
        Fuzz.mutationsOf(YAML, TOKENS), Fuzz.mutationsOf(JSON, TOKENS));
  }

  @Provide
  Arbitrary<String> restructured() {
    return Fuzz.jsonMutationsOf(JSON, VALUES);
  }

  @Property
  void declarationsParseOrFailByName(@ForAll("declarations") String text) {
    parse(text);
  }

  @Property
  void restructuredDeclarationsParseOrFailByName(@ForAll("restructured") String text) {
    parse(text);
  }

  @Provide
  Arbitrary<byte[]> files() {
    return Arbitraries.oneOf(Fuzz.randomBytes(),
        Fuzz.mutationsOf(YAML.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** From a file: bytes that are not UTF-8 included. */
  @Property
  void filesReadOrFailByName(@ForAll("files") byte[] bytes) throws IOException {
    Path file = Files.createTempFile("shiq-fuzz", ".yaml");
    try {
      Files.write(file, bytes);
      Fuzz.decode(bytes.length, () -> ExperimentFile.read(file, NOW), ExperimentFile.InvalidExperimentException.class)
          .naming(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Found by files: bytes that are not UTF-8 were a bare MalformedInputException ("Input length = 1"). */
  @Example
  void aFileThatIsNotUtf8IsNamed() throws IOException {
    Path file = Files.createTempFile("shiq-fuzz", ".yaml");
    try {
      Files.write(file, new byte[] {'i', 'd', ':', ' ', (byte) 0xC3, '('});
      var e = org.junit.jupiter.api.Assertions.assertThrows(ExperimentFile.InvalidExperimentException.class,
          () -> ExperimentFile.read(file, NOW));
      assertTrue(e.getMessage().contains(file + ": not UTF-8 text"), e.getMessage());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Example
  void theValidDeclarationsParse() {
    assertEquals(2, ((Experiment) parse(YAML).value()).getArms().size());
    assertTrue(parse(JSON).value() instanceof Experiment);
  }
}
