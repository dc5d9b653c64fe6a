package io.shiq.bfcl.check;

import java.util.List;

/**
 * BFCL's verdict on one multi-turn entry.
 *
 * @param id           the record id
 * @param category     base, miss_func, ...
 * @param valid        whether the entry passes
 * @param errorType    BFCL's error type (multi_turn:force_terminated, multi_turn:empty_turn_model_response,
 *                     multi_turn:instance_state_mismatch, multi_turn:execution_response_mismatch,
 *                     multi_turn:inference_error), null when valid
 * @param errorMessage BFCL's error message, null when valid
 * @param turns        per turn: "pass", "fail", "skipped" (empty ground truth: not checked, calls still executed) or
 *                     "not_checked" (after the failing turn: BFCL stops at the first failure)
 * @param details      what failed: the differing attributes, or the missing results
 */
public record Verdict(String id, String category, boolean valid, String errorType, String errorMessage,
                      List<String> turns, Object details) {}
