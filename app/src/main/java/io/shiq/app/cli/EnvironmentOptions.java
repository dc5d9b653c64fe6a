package io.shiq.app.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options from environment variables, for containers: every long option {@code --foo-bar} of every command takes its
 * default from {@code SHIQ_FOO_BAR} when that variable is set (the command line still wins). One naming rule for all
 * commands, so that {@code SHIQ_BOOTSTRAP_SERVERS} and {@code SHIQ_SCHEMA_REGISTRY_URL} configure every service, and
 * {@code SHIQ_CONFIG} names the options file of the commands that take {@code --config}. Boolean flags take
 * {@code true}/{@code false}; map options (such as {@code --set}) are not read from the environment (use the options
 * file).
 */
public final class EnvironmentOptions implements CommandLine.IDefaultValueProvider {
  public static final String PREFIX = "SHIQ_";
  /**
   * Variables with a meaning of their own, never read as options: {@code SHIQ_DATA} is the data directory (the
   * option {@code --data} of the BFCL commands is another thing: BFCL's own folder), the rest belong to the launcher
   * and the logging configuration.
   */
  public static final java.util.Set<String> RESERVED = java.util.Set.of("SHIQ_DATA", "SHIQ_JAVA_OPTS", "SHIQ_DEBUG",
      "SHIQ_LOG_LEVEL", "SHIQ_REBUILD");
  private final Map<String, String> environment;

  public EnvironmentOptions(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The variable that sets {@code --foo-bar}: {@code SHIQ_FOO_BAR}. */
  public static String variable(String longOption) {
    return PREFIX + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || option.typeInfo().isMap()) {
      return null;
    }
    String name = option.longestName();
    if (!name.startsWith("--")) {
      return null;
    }
    String variable = variable(name);
    return RESERVED.contains(variable) ? null : environment.get(variable);
  }
}
