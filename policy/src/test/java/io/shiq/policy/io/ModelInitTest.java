package io.shiq.policy.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.TestData;
import io.shiq.policy.TinyModels;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `shiq model init`: random models written in both formats load back to the same weights. */
class ModelInitTest {

  private static Path hfTokenizer() throws URISyntaxException {
    return Path.of(ModelInitTest.class.getResource("/hf-tiny/tokenizer.json").toURI());
  }

  /** A llama2.c tokenizer: unk, bos, eos, the 256 byte fallbacks, then a few letters. */
  static Path llama2cTokenizer(Path file) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    out.write(b.putInt(8).array());
    String[] head = {"<unk>", "<s>", "</s>"};
    String[] tail = {" a", " b", "ab", "c"};
    int n = 0;
    for (int i = 0; i < 3 + 256 + tail.length; i++) {
      String piece = i < 3 ? head[i] : i < 259 ? String.format("<0x%02X>", i - 3) : tail[i - 259];
      byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(-i).putInt(bytes.length).array());
      out.write(bytes);
      n++;
    }
    Files.write(file, out.toByteArray());
    assertEquals(n, ModelInit.tokenizerVocab(file));
    return file;
  }

  private static void assertSameWeights(LlamaWeights want, LlamaWeights got) {
    assertEquals(want.config(), got.config());
    Map<String, float[]> w = want.toHost();
    Map<String, float[]> g = got.toHost();
    assertEquals(w.keySet(), g.keySet());
    w.forEach((name, v) -> assertArrayEquals(v, g.get(name), name));
  }

  @Test
  void huggingFaceModelsLoadBackToTheSameWeights(@TempDir Path tmp) throws Exception {
    int vocab = ModelInit.tokenizerVocab(hfTokenizer());
    assertEquals(14, vocab);
    LlamaConfig qwen = ModelInit.shape("qwen2", vocab);
    LlamaConfig smallQwen = new LlamaConfig(32, 48, 2, 4, 2, vocab, qwen.maxSeqLen(), qwen.ropeTheta(),
        qwen.normEps(), qwen.qkvBias(), qwen.tiedEmbeddings(), qwen.ropeLayout());
    for (LlamaConfig c : new LlamaConfig[] {ModelInit.shape("tiny", vocab), smallQwen, TinyModels.llama()}) {
      Path out = tmp.resolve("m" + c.dim() + c.qkvBias() + c.vocabSize());
      LlamaConfig written = ModelInit.write(c, 11, hfTokenizer(), ModelInit.Format.HF, out);
      assertEquals(c, written);
      for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
          "generation_config.json"}) {
        assertTrue(Files.isRegularFile(out.resolve(f)), f);
      }
      assertTrue(Files.readString(out.resolve("config.json"))
          .contains(c.qkvBias() ? "Qwen2ForCausalLM" : "LlamaForCausalLM"));
      try (PolicyModel loaded = PolicyModel.load(out, Device.cpu());
           LlamaWeights expected = LlamaWeights.random(c, 11, Device.cpu())) {
        assertSameWeights(expected, loaded.weights());
        assertEquals(2, loaded.tokenizer().eosIds().get(0));
      }
    }
  }

  @Test
  void llama2cModelsLoadBackToTheSameWeights(@TempDir Path tmp) throws IOException {
    Path tok = llama2cTokenizer(tmp.resolve("tok263.bin"));
    assertTrue(tok.toFile().setWritable(false, false), "a read-only tokenizer, as in a shared data directory");
    LlamaConfig shape = ModelInit.shape("stories260k", 263);
    Path out = tmp.resolve("llama2c");
    LlamaConfig written = ModelInit.write(shape, 5, tok, ModelInit.Format.LLAMA2C, out);
    assertEquals(LlamaConfig.RopeLayout.PAIRS, written.ropeLayout());
    assertTrue(Files.isRegularFile(out.resolve("model.bin")) && Files.isRegularFile(out.resolve("tokenizer.bin")));
    assertTrue(Files.getPosixFilePermissions(out.resolve("tokenizer.bin"))
        .contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), "the copy is the user's to edit");
    try (PolicyModel loaded = PolicyModel.load(out, Device.cpu());
         LlamaWeights expected = LlamaWeights.random(written, 5, Device.cpu())) {
      assertSameWeights(expected, loaded.weights());
      assertEquals(263, loaded.tokenizer().vocabSize());
    }
  }

  @Test
  void theLlama2cWriterKeepsTheFunctionOfHalfSplitUntiedModels(@TempDir Path tmp) throws IOException {
    try (LlamaWeights w = TinyModels.weights(TinyModels.llama(), 9)) {
      Path file = tmp.resolve("m.bin");
      Llama2cWriter.save(w, file);
      try (LlamaWeights loaded = Llama2cCheckpoint.load(file, Device.cpu())) {
        assertFalse(loaded.config().tiedEmbeddings());
        assertEquals(LlamaConfig.RopeLayout.PAIRS, loaded.config().ropeLayout());
        double diff = CheckpointFormatsTest.maxDiff(CheckpointFormatsTest.logits(w),
            CheckpointFormatsTest.logits(loaded));
        assertTrue(diff < 1e-5, "max logit difference " + diff);
      }
    }
    try (LlamaWeights qwen = TinyModels.weights(TinyModels.qwen(), 1)) {
      assertThrows(IllegalArgumentException.class, () -> Llama2cWriter.save(qwen, tmp.resolve("q.bin")));
    }
  }

  @Test
  void theStoriesShapeIsTheRealStories260kHeader(@TempDir Path tmp) throws IOException {
    Path data = TestData.require("stories260k");
    Path out = tmp.resolve("s");
    ModelInit.write(ModelInit.shape("stories260k", ModelInit.tokenizerVocab(data.resolve("tok512.bin"))), 0,
        data.resolve("tok512.bin"), ModelInit.Format.LLAMA2C, out);
    byte[] ours = Files.readAllBytes(out.resolve("model.bin"));
    byte[] real = Files.readAllBytes(data.resolve("stories260K.bin"));
    assertArrayEquals(Arrays.copyOf(real, 28), Arrays.copyOf(ours, 28));
    assertEquals(real.length, ours.length);
    // The freq_cis tables llama2.c's export wrote are the ones we compute.
    LlamaConfig c = Llama2cCheckpoint.readConfig(data.resolve("stories260K.bin"));
    int tables = c.maxSeqLen() * c.headSize() / 2 * 2 * 4;
    FloatsAt mine = new FloatsAt(ours, real.length - tables);
    FloatsAt theirs = new FloatsAt(real, real.length - tables);
    for (int i = 0; i < tables / 4; i++) {
      assertEquals(theirs.get(i), mine.get(i), 1e-4, "freq_cis float " + i);
    }
  }

  private record FloatsAt(byte[] bytes, int offset) {
    float get(int i) {
      return ByteBuffer.wrap(bytes, offset + 4 * i, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    }
  }

  @Test
  void badRequestsLeaveNothingBehind(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("q");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelInit.write(
        ModelInit.shape("qwen2", 14), 0, llama2cTokenizer(tmp.resolve("tok.bin")), ModelInit.Format.LLAMA2C, out));
    assertTrue(e.getMessage().contains("vocabulary") || e.getMessage().contains("biases"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelInit.write(ModelInit.shape("qwen2", 263), 0,
        tmp.resolve("tok.bin"), ModelInit.Format.LLAMA2C, out));
    assertTrue(e.getMessage().contains("biases"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ModelInit.write(ModelInit.shape("tiny", 5), 0, hfTokenizer(),
        ModelInit.Format.HF, out), "vocabulary smaller than the tokenizer's");
    assertThrows(IllegalArgumentException.class, () -> ModelInit.shape("gpt5", 10));
    assertThrows(IllegalArgumentException.class, () -> ModelInit.tokenizerFile(hfTokenizer(),
        ModelInit.Format.LLAMA2C));
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "only tok.bin: no output, no .incomplete directory");
    }
    Files.createDirectories(out.resolve("x"));
    assertThrows(IllegalArgumentException.class, () -> ModelInit.write(ModelInit.shape("tiny", 14), 0,
        hfTokenizer(), ModelInit.Format.HF, out), "refuses a non-empty --out");
  }
}
