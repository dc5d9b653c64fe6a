package io.shiq.ab.ope;

/** Why a logged trajectory takes no part in an off-policy estimate. */
public enum SkipReason {
  /** An action turn has no behaviour log-probs (imports such as BFCL logs): ln mu is unknown. */
  NO_BEHAVIOUR_LOG_PROBS,
  /** The trajectory's tokenizerId is not the one the estimate was asked for: its token ids mean other text. */
  TOKENIZER_MISMATCH,
  /** A token id lies outside the target's vocabulary. */
  TOKEN_OUT_OF_VOCABULARY,
  /** Longer than the target's (or reference's) context. */
  TOO_LONG,
  /** No action token: nothing the target could have done differently. */
  NO_ACTIONS,
  /**
   * Sampled greedily (temperature 0): mu is a point mass, which covers no other action, so no importance ratio can
   * reweight it towards a stochastic target.
   */
  GREEDY_BEHAVIOUR,
  /** Inconsistent record: mask and ids of different lengths, an action first, a reward before any action, etc. */
  MALFORMED
}
