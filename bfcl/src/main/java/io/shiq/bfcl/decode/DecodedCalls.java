package io.shiq.bfcl.decode;

import java.util.List;

/**
 * One model step as BFCL decodes it.
 *
 * @param calls BFCL execution strings {@code name(k=repr(v), ...)}, ready for
 *              {@link io.shiq.bfcl.exec.ExecutionSession#execute(List)}; empty when decoding failed
 * @param error null when the step decoded; else why not: the exception BFCL's decoder raises
 *              ({@code "Type: message"}), or ours naming the problem where BFCL would fail another way
 */
public record DecodedCalls(List<String> calls, String error) {
  public DecodedCalls {
    calls = List.copyOf(calls);
  }

  public static DecodedCalls of(List<String> calls) {
    return new DecodedCalls(calls, null);
  }

  public static DecodedCalls failure(String error) {
    return new DecodedCalls(List.of(), error);
  }

  /** BFCL could not decode the step: it ends the turn at inference and drops the step when checking. */
  public boolean failed() {
    return error != null;
  }

  /**
   * Decoded, but no calls ({@code is_empty_execute_response}: {@code []} or {@code [""]}). BFCL: "Empty response from
   * the model. Proceed to next turn."; the checker drops the step.
   */
  public boolean empty() {
    return error == null && (calls.isEmpty() || (calls.size() == 1 && calls.get(0).isEmpty()));
  }
}
