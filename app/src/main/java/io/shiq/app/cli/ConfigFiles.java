package io.shiq.app.cli;

import io.shiq.replay.ReplayConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --config FILE} for commands whose options are plain picocli options: the file's keys are option names
 * without dashes ({@code objective=dro}, {@code bootstrap-servers=...}); the command is parsed again with the file's
 * options first and the command line's after them, so the command line wins.
 */
final class ConfigFiles {
  private ConfigFiles() {}

  /** Runs {@code fresh} (a new instance of the command) with the file's options, then the command line's. */
  static int rerun(CommandSpec spec, Path file, Object fresh) throws IOException {
    List<String> args = new ArrayList<>();
    Properties p = ReplayConfig.readFile(file);
    for (String key : p.stringPropertyNames()) {
      if (spec.findOption("--" + key) == null || key.equals("config")) {
        throw new IllegalArgumentException(file + ": unknown option '" + key + "' (see --help)");
      }
      args.add("--" + key + "=" + p.getProperty(key));
    }
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    // The parse result holds the whole command line (the command name and anything before it): keep what follows.
    int start = original.indexOf(spec.name()) + 1;
    for (int i = start; i < original.size(); i++) {
      String a = original.get(i);
      if (a.equals("--config")) {
        i++;
      } else if (!a.startsWith("--config=")) {
        args.add(a);
      }
    }
    CommandLine again = new CommandLine(fresh).setOverwrittenOptionsAllowed(true);
    again.setDefaultValueProvider(spec.commandLine().getDefaultValueProvider()); // SHIQ_* variables still apply
    again.setExecutionExceptionHandler(spec.commandLine().getExecutionExceptionHandler());
    return again.execute(args.toArray(new String[0]));
  }
}
