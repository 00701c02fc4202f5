package org.mnistspark.config;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The one way options given on a command line become configuration overrides: an option's long
 * name without the dashes is its key in reference.conf, so options and keys match one to one.
 */
public final class CommandLineOverrides {
  private CommandLineOverrides() {}

  /**
   * Returns the options declared in {@code declaring} that were given on {@code spec}'s command
   * line, except those in {@code except} (long names, e.g. "--conf"), keyed by {@code prefix}
   * followed by the long name without "--", in the order picocli lists them.
   */
  public static Map<String, Object> given(CommandSpec spec, Class<?> declaring, String prefix, Set<String> except) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    for (OptionSpec o : spec.options()) {
      String name = o.longestName();
      boolean given = spec.commandLine().getParseResult().hasMatchedOption(o);
      if (given && !except.contains(name) && o.userObject() instanceof Field f && f.getDeclaringClass() == declaring) {
        overrides.put(prefix + name.substring(2), o.getValue());
      }
    }
    return overrides;
  }
}
