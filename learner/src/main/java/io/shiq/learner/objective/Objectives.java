package io.shiq.learner.objective;

import java.util.List;

/** The objectives by name. */
public final class Objectives {
  public static final String SHIQ = "shiq";
  public static final List<String> NAMES = List.of(SHIQ, "naive", "shifted-sampling", "shifted-init", "dpo", "dro",
      "copg");

  private Objectives() {}

  public static Objective create(ObjectiveConfig config) {
    return switch (config.name()) {
      case SHIQ -> new Shiq(config);
      case "naive" -> new OneStep(config, OneStep.Variant.NAIVE);
      case "shifted-sampling" -> new OneStep(config, OneStep.Variant.SHIFTED_SAMPLING);
      case "shifted-init" -> new OneStep(config, OneStep.Variant.SHIFTED_INIT);
      case "dpo" -> new SequenceBaselines.Dpo(config);
      case "dro" -> new SequenceBaselines.Dro(config);
      case "copg" -> new SequenceBaselines.Copg(config);
      default -> throw new IllegalArgumentException("objective '" + config.name() + "' unknown; choose one of "
          + NAMES);
    };
  }
}
