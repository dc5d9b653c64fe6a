package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.shiq.policy.generate.Generation;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.io.Llama2cCheckpoint;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.tokenizer.Llama2cTokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** llama2.c's own output: greedy decoding from BOS for 200 positions with stories260K, byte for byte. */
class GoldenGreedyTest {

  @Test
  void greedyDecodingReproducesLlama2cByteForByte() throws Exception {
    Path dir = TestData.require("stories260k");
    try (LlamaWeights weights = Llama2cCheckpoint.load(dir.resolve("stories260K.bin"), Device.cpu())) {
      Llama2cTokenizer tokenizer = Llama2cTokenizer.load(dir.resolve("tok512.bin"), weights.config().vocabSize());
      // llama2.c: 200 forward steps at positions 0..199; it stops early only on BOS.
      Generation g = new Generator(new Llama(weights)).generate(List.of(new int[] {Llama2cTokenizer.BOS}),
          SamplingParams.greedy(200, Set.of(Llama2cTokenizer.BOS))).get(0);
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      int prev = Llama2cTokenizer.BOS;
      for (int token : g.tokens()) {
        if (token == Llama2cTokenizer.BOS) {
          break;
        }
        printed.writeBytes(tokenizer.printedPiece(prev, token));
        prev = token;
      }
      String expected = Files.readString(dir.resolve("golden-greedy-200.txt"), StandardCharsets.UTF_8);
      assertEquals(expected, printed.toString(StandardCharsets.UTF_8));
    }
  }
}
