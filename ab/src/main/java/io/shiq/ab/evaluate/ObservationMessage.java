package io.shiq.ab.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.ab.monitor.Observation;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An observation on its way from the extracting sub-topology to the evaluator, through the repartition topic keyed
 * by experiment id (JSON: internal to the evaluator, never read by anyone else).
 *
 * @param policyVersion the version that served the episode
 * @param source        topic-partition@offset of the trajectory, for messages that must name it
 */
public record ObservationMessage(Observation observation, long policyVersion, String source) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObservationMessage fromBytes(byte[] bytes) {
    try {
      return JSON.readValue(bytes, ObservationMessage.class);
    } catch (IOException e) {
      throw new UncheckedIOException("not an observation message: " + e.getMessage(), e);
    }
  }
}
