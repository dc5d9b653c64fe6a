package io.shiq.policy.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.TestData;
import io.shiq.policy.TinyModels;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CheckpointFormatsTest {
  private static final long[] TOKENS = {1, 3, 5, 7, 2, 4, 6, 8, 10, 12};

  static float[] logits(LlamaWeights w) {
    try (NDScope ignored = new NDScope()) {
      return new Llama(w).forward(w.manager().create(TOKENS, new Shape(1, TOKENS.length))).toFloatArray();
    }
  }

  static double maxDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  @ParameterizedTest
  @EnumSource(value = Safetensors.DType.class, names = {"F32", "F16", "BF16"})
  void hfSafetensorsRoundTripGivesTheSameLogits(Safetensors.DType dtype, @TempDir Path dir) throws IOException {
    for (LlamaConfig config : new LlamaConfig[] {TinyModels.llama(), TinyModels.qwen()}) {
      Path modelDir = dir.resolve(config.qkvBias() ? "qwen" : "llama");
      try (LlamaWeights w = TinyModels.weights(config, 21)) {
        HfCheckpoint.save(w, modelDir, dtype, config.qkvBias() ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
        try (LlamaWeights loaded = HfCheckpoint.load(modelDir, Device.cpu())) {
          assertEquals(config, loaded.config());
          double tolerance = switch (dtype) {
            case F32 -> 1e-6;
            case F16 -> 5e-3;
            default -> 4e-2;
          };
          double diff = maxDiff(logits(w), logits(loaded));
          assertTrue(diff <= tolerance, dtype + " " + config + ": max logit difference " + diff);
          if (dtype != Safetensors.DType.F32) {
            // The reduced precision really was stored: the weights are not bit-identical any more.
            assertTrue(maxDiff(w.toHost().get(LlamaWeights.EMBED), loaded.toHost().get(LlamaWeights.EMBED)) > 0);
          }
        }
      }
    }
  }

  @Test
  void pairLayoutModelsExportToHfHalvesWithTheSameFunction(@TempDir Path dir) throws IOException {
    try (LlamaWeights w = TinyModels.weights(TinyModels.llama2c(), 4)) {
      HfCheckpoint.save(w, dir, Safetensors.DType.F32, "LlamaForCausalLM");
      try (LlamaWeights loaded = HfCheckpoint.load(dir, Device.cpu())) {
        assertEquals(LlamaConfig.RopeLayout.HALVES, loaded.config().ropeLayout());
        assertTrue(maxDiff(logits(w), logits(loaded)) < 1e-5);
      }
    }
  }

  @Test
  void shiqCheckpointRoundTripKeepsConfigAndTokenizer(@TempDir Path dir) throws IOException {
    Path stories = TestData.require("stories260k");
    try (PolicyModel original = PolicyModel.load(stories, Device.cpu())) {
      ShiqCheckpoint.save(original.weights(), dir, Safetensors.DType.F32, stories.resolve("tok512.bin"));
      try (PolicyModel loaded = PolicyModel.load(dir, Device.cpu())) {
        assertEquals(original.weights().config(), loaded.weights().config());
        assertEquals(0.0, maxDiff(logits(original.weights()), logits(loaded.weights())));
        assertEquals(Arrays.toString(original.tokenizer().encode("Once upon a time", true, false)),
            Arrays.toString(loaded.tokenizer().encode("Once upon a time", true, false)));
      }
    }
  }

  @Test
  void stories260kExportedToHfMatchesTheLlama2cModel(@TempDir Path dir) throws IOException {
    Path stories = TestData.require("stories260k");
    try (LlamaWeights w = Llama2cCheckpoint.load(stories.resolve("stories260K.bin"), Device.cpu())) {
      HfCheckpoint.save(w, dir, Safetensors.DType.F32, "LlamaForCausalLM");
      try (LlamaWeights hf = HfCheckpoint.load(dir, Device.cpu())) {
        assertTrue(maxDiff(logits(w), logits(hf)) < 1e-4);
      }
    }
  }

  // ---- bad input: every error names the file, and the tensor where there is one ----------------------------

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    var e = assertThrows(ModelFormatException.class, () -> PolicyModel.load(dir.resolve("nope"), Device.cpu()));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void truncatedLlama2cCheckpointNamesTheTensor(@TempDir Path dir) throws IOException {
    Path stories = TestData.require("stories260k");
    byte[] bytes = Files.readAllBytes(stories.resolve("stories260K.bin"));
    Path cut = dir.resolve("cut.bin");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    var e = assertThrows(ModelFormatException.class, () -> Llama2cCheckpoint.load(cut, Device.cpu()));
    assertTrue(e.getMessage().contains("cut.bin") && e.getMessage().contains("truncated")
        && e.getMessage().contains("tensor w"), e.getMessage());
  }

  @Test
  void truncatedSafetensorsNamesTheTensor(@TempDir Path dir) throws IOException {
    try (LlamaWeights w = TinyModels.weights(TinyModels.llama(), 1)) {
      HfCheckpoint.save(w, dir, Safetensors.DType.F32, "LlamaForCausalLM");
    }
    Path file = dir.resolve("model.safetensors");
    try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 100);
    }
    var e = assertThrows(ModelFormatException.class, () -> HfCheckpoint.load(dir, Device.cpu()));
    assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("tensor lm_head.weight"),
        e.getMessage());
  }

  @Test
  void shapeMismatchNamesTheTensor(@TempDir Path dir) throws IOException {
    try (LlamaWeights w = TinyModels.weights(TinyModels.llama(), 1)) {
      HfCheckpoint.save(w, dir, Safetensors.DType.F32, "LlamaForCausalLM");
    }
    Path config = dir.resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("\"intermediate_size\" : 40",
        "\"intermediate_size\" : 48"));
    var e = assertThrows(ModelFormatException.class, () -> HfCheckpoint.load(dir, Device.cpu()));
    assertTrue(e.getMessage().contains("mlp.") && e.getMessage().contains("shape"), e.getMessage());
  }

  @Test
  void unknownArchitectureNamesTheFile(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"GPT2LMHeadModel\"],\"model_type\":\"gpt2\"}");
    var e = assertThrows(ModelFormatException.class, () -> PolicyModel.load(dir, Device.cpu()));
    assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("GPT2LMHeadModel"),
        e.getMessage());
  }

  @Test
  void halfPrecisionConversionsAreExact() {
    assertEquals((short) 0x3C00, Safetensors.floatToHalf(1f));
    assertEquals((short) 0x7BFF, Safetensors.floatToHalf(65504f));
    assertEquals((short) 0x7C00, Safetensors.floatToHalf(1e6f));
    assertEquals(1f, Safetensors.halfToFloat((short) 0x3C00));
    assertEquals(-2f, Safetensors.halfToFloat((short) 0xC000));
    assertEquals((float) Math.pow(2, -24), Safetensors.halfToFloat((short) 0x0001));
    for (int bits = 0; bits < 0x7C00; bits += 7) {
      float f = Safetensors.halfToFloat((short) bits);
      assertEquals((short) bits, Safetensors.floatToHalf(f), "half " + Integer.toHexString(bits));
    }
    assertEquals((short) 0x3F80, Safetensors.floatToBfloat16(1f));
    assertEquals(1.0078125f, Float.intBitsToFloat(Safetensors.floatToBfloat16(1.0078125f) << 16));
  }
}
