package io.shiq.policy.io;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.policy.Fuzz;
import io.shiq.policy.TinyModels;
import io.shiq.policy.model.LlamaConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The JSON configs of model directories, Hugging Face's {@code config.json} and shiq's {@code shiq-model.json}:
 * random, mutated and restructured ones give a config or a {@link ModelFormatException} naming the file, never a
 * null config or another exception.
 */
class ModelConfigFuzzTest {
  private static final String HF = """
      {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 16, "intermediate_size": 40,
       "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 37,
       "max_position_embeddings": 64, "rope_theta": 10000.0, "rms_norm_eps": 1e-05, "tie_word_embeddings": false,
       "head_dim": 4, "attention_bias": false, "rope_scaling": null}""";
  private static final String SHIQ = "{\"format\": \"shiq-llama\", \"version\": 1, \"config\": "
      + WeightsPayload.configJson(TinyModels.llama2c()) + ", \"tokenizer\": \"tok512.bin\"}";
  private static final String[] TOKENS = {"\"", "{", "}", "[", "]", ",", ":", "0", "-1", "null", "true", "1e999",
      "2147483648", "99999999999999999999", "\"Qwen2ForCausalLM\"", "\"PAIRS\""};
  private static final String[] VALUES = {"0", "-1", "1", "3", "null", "true", "\"x\"", "[]", "{}", "2147483647",
      "2147483648", "-2147483648", "1e999", "-0.0", "\"NaN\"", "\"qwen2\"", "[\"Qwen2ForCausalLM\"]", "{\"type\": 1}",
      "\"HALVES\"", "\"SIDEWAYS\"", "1.5"};

  /** Writes {@code json} as {@code name} in a fresh directory and reads it back with {@code reader}. */
  static Fuzz.Outcome read(String name, String json, Function<Path, LlamaConfig> reader) throws IOException {
    Path dir = Files.createTempDirectory("shiq-fuzz");
    try {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      Files.write(dir.resolve(name), bytes);
      Fuzz.Outcome outcome = Fuzz.decode(bytes.length, () -> reader.apply(dir), ModelFormatException.class)
          .naming(dir.resolve(name));
      if (!outcome.failed()) {
        assertNotNull(outcome.value(), name + " read as a null config: " + json);
      }
      return outcome;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Provide
  Arbitrary<String> hfConfigs() {
    return Arbitraries.oneOf(Fuzz.randomText("{}[]\":,0123456789-.eE truefalsn"), Fuzz.mutationsOf(HF, TOKENS),
        Fuzz.jsonMutationsOf(HF, VALUES));
  }

  @Provide
  Arbitrary<String> shiqConfigs() {
    return Arbitraries.oneOf(Fuzz.randomText("{}[]\":,0123456789-.eE truefalsn"), Fuzz.mutationsOf(SHIQ, TOKENS),
        Fuzz.jsonMutationsOf(SHIQ, VALUES));
  }

  @Property
  void hfConfigsReadOrFailByName(@ForAll("hfConfigs") String json) throws IOException {
    read("config.json", json, HfCheckpoint::readConfig);
  }

  /** Found by shiqConfigs: "config": null read as a null config, which failed later, far from the file. */
  @Example
  void aMissingConfigObjectIsNamed() throws IOException {
    String message = read(ShiqCheckpoint.CONFIG_FILE, "{\"format\": \"shiq-llama\", \"config\": null}",
        ShiqCheckpoint::readConfig).error().getMessage();
    assertTrue(message.contains("\"config\" is NULL"), message);
  }

  /** Found by hfConfigs: "num_attention_heads": 0 beside a head_dim was an ArithmeticException (/ by zero). */
  @Example
  void zeroHeadsAreNamed() throws IOException {
    String message = read("config.json", HF.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 0"),
        HfCheckpoint::readConfig).error().getMessage();
    assertTrue(message.contains("nHeads must be > 0"), message);
  }

  @Property
  void shiqConfigsReadOrFailByName(@ForAll("shiqConfigs") String json) throws IOException {
    read(ShiqCheckpoint.CONFIG_FILE, json, ShiqCheckpoint::readConfig);
  }
}
