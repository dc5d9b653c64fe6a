package io.shiq.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Commands read an environment's defaults from its descriptor instead of comparing names. */
class EnvironmentDefaultsTest {
  @Test
  void theSyntheticTreeBringsItsPolicyAnswerLengthAndLearnerDefaults() {
    EnvironmentDefaults d = Environments.defaults("synthetic");
    assertTrue(d.ownPolicy());
    assertEquals(SyntheticEnvironment.defaults().mdp().depth(), d.answerTokens().getAsInt());
    assertEquals(1e-3, d.lr().getAsDouble());
    assertEquals(2, d.publishEvery().getAsInt());
    // The tree's own beta is the one the learner trains with, so its q* / pi* describe the demo's target.
    assertEquals(SyntheticEnvironment.defaults().mdp().beta(), d.beta().getAsDouble());
  }

  @Test
  void storyEnvironmentsUseTheLearnersDefaultsAndEveryNameIsKnown() {
    for (String name : Environments.NAMES) {
      Environments.defaults(name); // no name without a descriptor
    }
    assertEquals(EnvironmentDefaults.NONE, Environments.defaults("story-keyword"));
    assertFalse(Environments.defaults("story-sentiment").ownPolicy());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Environments.defaults("bfcl-v9"));
    assertTrue(e.getMessage().contains("'bfcl-v9'"), e.getMessage());
  }
}
