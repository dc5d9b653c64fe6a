package io.shiq.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Options files ({@code --config} of {@code shiq replay}, and through {@code ConfigFiles} of the actor and the
 * learner): random and mutated .properties and .yaml files give options, or an IOException or
 * IllegalArgumentException naming the file; the options then give a config or an IllegalArgumentException naming
 * the option. (The helpers of {@code io.shiq.policy.Fuzz} are not reachable from here: replay does not see policy.)
 */
class ReplayConfigFuzzTest {
  private static final String PROPERTIES = """
      bootstrap.servers=localhost:9092
      schema.registry.url=http://localhost:8081
      # the table
      replay.batch.size = 16
      replay.sampler: prioritized
      replay.priority.alpha=0.7
      replay.fresh.fraction=0.25
      replay.remover=lowest-priority
      replay.staleness.action=drop
      replay.note=caf\\u00e9 \\
        continued
      num.stream.threads=2
      """;
  private static final String YAML = """
      bootstrap.servers: localhost:9092
      schema.registry.url: http://localhost:8081
      replay:
        batch.size: 16
        sampler: prioritized
        priority: {alpha: 0.7, beta: 0.4}
        fresh: {fraction: 0.25, shortfall: wait}
        reward.timeout.ms: 1000
        seed: -3
      num.stream.threads: 2
      tags: [a, b]
      """;
  private static final String[] TOKENS = {"\n", "=", ":", " ", "\\", "\\u", "\\u00", "#", "!", "-", "0", "-1",
      "9223372036854775808", "1e999", "NaN", "{", "}", "[", "]", "&a ", "*a", "!!binary ", "!!java.lang.Object ",
      "---\n", "? ", "|\n", ">\n", "'", "\"", "\t", "  ", "replay.", "null", "~", "\u00e9", ".inf", "0x1F"};

  /** {@code text} with one to four edits: a token inserted, a range deleted, a truncation, or a byte set. */
  static Arbitrary<byte[]> mutationsOf(String text) {
    byte[] valid = text.getBytes(StandardCharsets.UTF_8);
    Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers(),
        Arbitraries.integers().between(1, 24), Arbitraries.integers()).as((k, at, len, v) -> new int[] {k, at, len, v});
    return edit.list().ofMinSize(1).ofMaxSize(4).map(edits -> {
      byte[] out = valid;
      for (int[] e : edits) {
        int gap = Math.floorMod(e[1], out.length + 1);
        out = switch (e[0]) {
          case 0 -> splice(out, gap, 0, TOKENS[Math.floorMod(e[3], TOKENS.length)].getBytes(StandardCharsets.UTF_8));
          case 1 -> splice(out, gap, Math.min(e[2], out.length - gap), new byte[0]);
          case 2 -> Arrays.copyOf(out, gap);
          default -> splice(out, gap, 0, new byte[] {(byte) e[3]});
        };
      }
      return out;
    });
  }

  private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
    byte[] out = new byte[in.length - remove + insert.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
    return out;
  }

  /** Reads {@code bytes} as an options file named {@code *suffix}, then builds a config from the options. */
  static Object read(byte[] bytes, String suffix) throws IOException {
    Path file = Files.createTempFile("shiq-fuzz", suffix);
    try {
      Files.write(file, bytes);
      return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        Properties p;
        try {
          p = ReplayConfig.readFile(file);
        } catch (IOException | IllegalArgumentException e) {
          assertTrue(e.getMessage() != null && e.getMessage().contains(file.toString()),
              () -> "the error does not name " + file + ": " + e);
          return e;
        } catch (RuntimeException | StackOverflowError e) {
          throw new AssertionError("reading options threw " + e, e);
        }
        try {
          return ReplayConfig.from(p);
        } catch (IllegalArgumentException e) {
          assertTrue(e.getMessage() != null && e.getMessage().contains("'"), () -> "no option named: " + e);
          return e;
        } catch (RuntimeException e) {
          throw new AssertionError("the options threw " + e, e);
        }
      }, () -> "reading " + file + " ran past 10 s");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Provide
  Arbitrary<byte[]> propertiesFiles() {
    return Arbitraries.oneOf(mutationsOf(PROPERTIES), Arbitraries.bytes().array(byte[].class).ofMaxSize(1024),
        Arbitraries.strings().withChars("=:.\\\n #!abceilmprstuy0123456789").ofMaxLength(500)
            .map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  @Provide
  Arbitrary<byte[]> yamlFiles() {
    return Arbitraries.oneOf(mutationsOf(YAML), Arbitraries.bytes().array(byte[].class).ofMaxSize(1024),
        Arbitraries.strings().withChars(":-{}[],&*!|>'\"\n .abceilmprstuy0123456789").ofMaxLength(500)
            .map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  @Property
  void propertiesFilesGiveOptionsOrNamedErrors(@ForAll("propertiesFiles") byte[] bytes) throws IOException {
    read(bytes, ".properties");
  }

  @Property
  void yamlFilesGiveOptionsOrNamedErrors(@ForAll("yamlFiles") byte[] bytes) throws IOException {
    read(bytes, ".yaml");
  }

  /**
   * Found by both properties: a YAML syntax error (a tab before a key), bytes that are not UTF-8, and a malformed
   * unicode escape failed with the parser's message alone, naming no file.
   */
  @Example
  void unreadableFilesAreNamed() throws IOException {
    assertTrue(read(("\t" + YAML).getBytes(StandardCharsets.UTF_8), ".yaml") instanceof IOException);
    assertTrue(read(new byte[] {'a', '=', (byte) 0xFF}, ".properties") instanceof IOException);
    assertTrue(read("a=\\u00zz".getBytes(StandardCharsets.UTF_8), ".properties") instanceof IllegalArgumentException);
  }

  @Example
  void theValidFilesGiveTheSameConfig() throws IOException {
    ReplayConfig p = (ReplayConfig) read(PROPERTIES.getBytes(StandardCharsets.UTF_8), ".properties");
    ReplayConfig y = (ReplayConfig) read(YAML.getBytes(StandardCharsets.UTF_8), ".yaml");
    assertEquals(List.of(16, 16), List.of(p.batchSize(), y.batchSize()));
  }
}
