package io.shiq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code shiq model pull|list|init} through the command line (the Hub client itself is tested in policy). */
class ModelCommandTest {
  private static final String TOKENIZER = """
      {"version": "1.0", "truncation": null, "padding": null,
       "added_tokens": [{"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false,
                         "normalized": false, "special": true},
                        {"id": 1, "content": "<|im_end|>", "single_word": false, "lstrip": false, "rstrip": false,
                         "normalized": false, "special": true}],
       "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null,
       "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
       "model": {"type": "WordLevel", "vocab": {"<unk>": 0, "<|im_end|>": 1, "the": 2, "tool": 3, "call": 4},
                 "unk_token": "<unk>"}}
      """;

  /** Runs {@code shiq ARGS}; returns {rc, stdout, stderr}. */
  private static String[] run(String... args) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    PrintStream old = System.out;
    int rc;
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      CommandLine cl = ShiqCommand.commandLine();
      StringWriter helpOut = new StringWriter();
      cl.setOut(new PrintWriter(helpOut));
      cl.setErr(new PrintWriter(err));
      rc = cl.execute(args);
      out.print(helpOut);
    } finally {
      System.setOut(old);
    }
    return new String[] {Integer.toString(rc), captured.toString(StandardCharsets.UTF_8), err.toString()};
  }

  @Test
  void everyModelSubcommandHasHelp() {
    assertTrue(ShiqCommand.commandLine().getSubcommands().containsKey("model"));
    String[] top = run("model", "--help");
    assertEquals("0", top[0]);
    for (String sub : List.of("pull", "list", "init")) {
      assertTrue(top[1].contains(sub), top[1]);
      String[] help = run("model", sub, "--help");
      assertEquals("0", help[0]);
      assertTrue(help[1].contains("Usage: shiq model " + sub), help[1]);
    }
    String pull = run("model", "pull", "--help")[1];
    for (String option : List.of("--revision", "--dir", "--include", "--endpoint", "--cache-dir", "HF_TOKEN",
        "HF_ENDPOINT", "HF_HOME")) {
      assertTrue(pull.contains(option), option + " missing from pull --help");
    }
    String init = run("model", "init", "--help")[1];
    for (String option : List.of("--shape", "--config", "--tokenizer", "--out", "--format", "--seed", "--layers",
        "--dim", "--hidden", "--heads", "--kv-heads", "--vocab", "--seq-len", "stories260k", "stories15m", "qwen2")) {
      assertTrue(init.contains(option), option + " missing from init --help");
    }
  }

  @Test
  void anInitialisedModelIsListedAndGenerates(@TempDir Path tmp) throws Exception {
    Path tok = tmp.resolve("tok/tokenizer.json");
    Files.createDirectories(tok.getParent());
    Files.writeString(tok, TOKENIZER);
    Path model = tmp.resolve("models/tiny");
    String[] init = run("model", "init", "--shape", "tiny", "--tokenizer", tok.toString(), "--out",
        model.toString(), "--seed", "3");
    assertEquals("0", init[0], init[2]);
    assertTrue(init[1].contains("LlamaForCausalLM") && init[1].contains("vocab 5"), init[1]);

    String[] list = run("model", "list", "--cache-dir", tmp.resolve("no-cache").toString(), "--data-dir",
        tmp.resolve("models").toString());
    assertEquals("0", list[0], list[2]);
    String line = list[1].lines().filter(l -> l.contains(model.toString())).findFirst().orElse("");
    assertTrue(line.contains("LlamaForCausalLM") && line.contains(" 5 ") && line.contains("KiB"), list[1]);

    String[] gen = run("generate", "--model", model.toString(), "--prompt", "the tool", "--max-tokens", "3",
        "--device", "cpu");
    assertEquals("0", gen[0], gen[2]);
  }

  @Test
  void anUnreachableHubIsOneLineNamingTheEndpoint(@TempDir Path tmp) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    String[] pull = run("model", "pull", "shiq-test/absent", "--endpoint", "http://127.0.0.1:" + port,
        "--cache-dir", tmp.resolve("hub").toString(), "--progress", "lines");
    assertTrue((System.nanoTime() - start) / 1e9 < 10);
    assertEquals("1", pull[0]);
    assertEquals(1, pull[2].strip().lines().count(), pull[2]);
    assertTrue(pull[2].contains("http://127.0.0.1:" + port) && pull[2].contains("--model FOLDER"), pull[2]);
  }

  @Test
  void aRepositoryIdMissingFromTheCacheSaysHowToPullIt() {
    String[] gen = run("generate", "--model", "shiq-test/absent-model", "--device", "cpu");
    assertEquals("3", gen[0]); // bad input: README, "Exit codes"
    assertTrue(gen[2].contains("shiq model pull shiq-test/absent-model"), gen[2]);
  }
}
