package io.shiq.bfcl.data;

/** BFCL's limits on an episode ({@code constants/default_prompts.py}, {@code base_handler.py}). */
public final class BfclLimits {
  private BfclLimits() {}

  /**
   * MAXIMUM_STEP_LIMIT. BFCL counts a step once its calls are executed (a step that fails to decode or decodes to
   * nothing ends the turn uncounted) and force-quits when the count exceeds the limit, so a turn executes at most
   * 21 steps. Force-quitting ends the entry after the current turn; the checker then fails it as force-terminated
   * only because turns are missing, so a force-quit on the last turn is checked like any other turn.
   */
  public static final int MAXIMUM_STEP_LIMIT = 20;
}
