package io.shiq.policy.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.policy.io.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's tokenizers binding (native library shipped in the jar, works
 * offline). Special tokens (BOS, EOS, the chat template's markers such as {@code <|im_start|>}) come from
 * {@code tokenizer.json}'s added tokens, {@code tokenizer_config.json} and {@code generation_config.json}.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, Integer> specialTokens;
  private final int vocabSize;
  private final int bos;
  private final List<Integer> eos;
  private final String id;
  private final Path directory;

  private HfTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> specialTokens, int vocabSize, int bos,
                      List<Integer> eos, String id, Path directory) {
    this.directory = directory;
    this.tokenizer = tokenizer;
    this.specialTokens = specialTokens;
    this.vocabSize = vocabSize;
    this.bos = bos;
    this.eos = eos;
    this.id = id;
  }

  /** Loads {@code dir/tokenizer.json} (+ the optional config files beside it). */
  public static HfTokenizer load(Path dir) {
    Path file = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new ModelFormatException("tokenizer not found: " + file);
    }
    JsonNode json = readJson(file);
    Map<String, Integer> special = new LinkedHashMap<>();
    int maxId = json.path("model").path("vocab").size() - 1;
    for (JsonNode t : json.path("added_tokens")) {
      int tid = t.path("id").asInt();
      maxId = Math.max(maxId, tid);
      if (t.path("special").asBoolean(false)) {
        special.put(t.path("content").asText(), tid);
      }
    }
    for (JsonNode v : json.path("model").path("vocab")) {
      if (v.isInt()) {
        maxId = Math.max(maxId, v.asInt());
      }
    }
    JsonNode config = readOptional(dir.resolve("tokenizer_config.json"));
    JsonNode generation = readOptional(dir.resolve("generation_config.json"));
    int bos = idOf(special, tokenText(config.path("bos_token")));
    if (bos < 0 && generation.path("bos_token_id").isInt()) {
      bos = generation.path("bos_token_id").asInt();
    }
    List<Integer> eos = new ArrayList<>();
    JsonNode genEos = generation.path("eos_token_id");
    if (genEos.isInt()) {
      eos.add(genEos.asInt());
    } else if (genEos.isArray()) {
      genEos.forEach(e -> eos.add(e.asInt()));
    }
    int configEos = idOf(special, tokenText(config.path("eos_token")));
    if (configEos >= 0 && !eos.contains(configEos)) {
      eos.add(configEos);
    }
    try {
      HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(false)
          .optTruncation(false)
          .optPadding(false)
          .build();
      String name = config.path("name_or_path").asText(dir.getFileName() == null ? "model" : dir.getFileName()
          .toString());
      return new HfTokenizer(tok, special, maxId + 1, bos, List.copyOf(eos), "hf:" + name, dir);
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException(file + ": cannot load tokenizer: " + e.getMessage(), e);
    }
  }

  @Override
  public int[] encode(String text, boolean addBos, boolean addEos) {
    Encoding enc = tokenizer.encode(text, false, false);
    long[] ids = enc.getIds();
    int extra = (addBos && bos >= 0 ? 1 : 0) + (addEos && !eos.isEmpty() ? 1 : 0);
    int[] out = new int[ids.length + extra];
    int at = 0;
    if (addBos && bos >= 0) {
      out[at++] = bos;
    }
    for (long v : ids) {
      out[at++] = (int) v;
    }
    if (addEos && !eos.isEmpty()) {
      out[at] = eos.get(0);
    }
    return out;
  }

  @Override
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, true);
  }

  /** Special tokens by text, e.g. {@code <|im_start|>} for chat templates. */
  public Map<String, Integer> specialTokens() {
    return specialTokens;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int bosId() {
    return bos;
  }

  @Override
  public List<Integer> eosIds() {
    return eos;
  }

  @Override
  public String id() {
    return id;
  }

  /** The directory the tokenizer was loaded from (its tokenizer_config.json holds the model's chat template). */
  public Path directory() {
    return directory;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  private static String tokenText(JsonNode node) {
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isObject()) {
      return node.path("content").asText(null);
    }
    return null;
  }

  private static int idOf(Map<String, Integer> special, String text) {
    return text == null ? -1 : special.getOrDefault(text, -1);
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelFormatException(file + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  private static JsonNode readOptional(Path file) {
    return Files.isRegularFile(file) ? readJson(file) : JSON.createObjectNode();
  }
}
