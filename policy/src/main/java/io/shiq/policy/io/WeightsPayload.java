package io.shiq.policy.io;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights as they travel to actors: float32 safetensors bytes (HF tensor names) plus the model config as JSON, and
 * the sha256 that proves a reassembled copy is exact.
 */
public final class WeightsPayload {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WeightsPayload() {}

  public static byte[] encode(LlamaWeights weights) {
    try {
      return Safetensors.toBytes(weights.toHost(), LlamaWeights.expectedShapes(weights.config()),
          Safetensors.DType.F32, Map.of("format", "pt", "producer", "shiq"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode weights", e);
    }
  }

  public static String configJson(LlamaConfig config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Weights from payload bytes; {@code source} names the version in errors. */
  public static LlamaWeights decode(byte[] bytes, String configJson, Device device, String source)
      throws IOException {
    LlamaConfig config = JSON.readValue(configJson, LlamaConfig.class);
    Map<String, float[]> host = new LinkedHashMap<>();
    Safetensors.read(bytes, source).forEach((k, v) -> host.put(k, v.data()));
    return LlamaWeights.fromHost(config, host, device, source);
  }

  public static String sha256(byte[] bytes) {
    return sha256(bytes, 0, bytes.length);
  }

  public static String sha256(byte[] bytes, int offset, int length) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(bytes, offset, length);
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
