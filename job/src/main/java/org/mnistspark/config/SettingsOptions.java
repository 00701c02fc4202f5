package org.mnistspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.lang.reflect.RecordComponent;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command's options for the settings tree, made from it: one option per key the command takes,
 * named as the key's last part ({@code retrain.floor} is {@code --floor}), typed as the record
 * component, described by the key's comment in reference.conf with its default; plus
 * {@code --conf}. A setting is therefore declared, documented and checked in one place, and the
 * options given on a command line become overrides of the same keys one to one.
 */
public final class SettingsOptions {
  private static final Config REFERENCE = ConfigFactory.parseResources("reference.conf").resolve()
      .getConfig(Settings.ROOT);

  private final Predicate<String> takes;
  private final Map<String, OptionSpec> options = new LinkedHashMap<>();
  private OptionSpec conf;
  private CommandSpec spec;

  private SettingsOptions(Predicate<String> takes) {
    this.takes = takes;
  }

  /** Every key of the job block and of the named blocks (retrain, study, bench). */
  public static SettingsOptions jobAnd(String... blocks) {
    Set<String> prefixes = new HashSet<>();
    prefixes.add("");
    for (String b : blocks) {
      prefixes.add(b + ".");
    }
    return new SettingsOptions(key -> prefixes.contains(prefix(key)));
  }

  /** Only these keys of the job block. */
  public static SettingsOptions jobKeys(String... keys) {
    return new SettingsOptions(Set.of(keys)::contains);
  }

  /** Adds {@code --conf} and this command's settings options to {@code command}; once, before parsing. */
  public void addTo(CommandSpec command) {
    if (spec != null) {
      throw new IllegalStateException("options already added to " + spec.name());
    }
    spec = command;
    conf = OptionSpec.builder("--conf").paramLabel("FILE").type(File.class)
        .description("HOCON configuration file: one mnist { ... } block, keys as in reference.conf (default: built-in "
            + "defaults only); options given here override it.")
        .build();
    command.addOption(conf);
    for (Settings.Block block : Settings.BLOCKS) {
      for (RecordComponent component : block.type().getRecordComponents()) {
        String key = block.prefix() + SettingsRecords.key(component.getName());
        if (takes.test(key)) {
          OptionSpec option = option(key, component.getType());
          command.addOption(option);
          options.put(key, option);
        }
      }
    }
  }

  /** The settings: reference.conf, then {@code --conf}, then the options given. */
  public Settings resolve() {
    return resolve(Map.of());
  }

  /**
   * Like {@link #resolve()}, with a command's own defaults (keys as in reference.conf) between the
   * configuration file and the options given on the command line.
   */
  public Settings resolve(Map<String, Object> commandDefaults) {
    Map<String, Object> overrides = new LinkedHashMap<>(commandDefaults);
    overrides.putAll(given());
    return Settings.load(confFile(), overrides);
  }

  /** The configuration file given with {@code --conf}, or null. */
  public File confFile() {
    return matched(conf) ? conf.getValue() : null;
  }

  /** Whether the option of {@code key} (as in reference.conf) was given on the command line. */
  public boolean given(String key) {
    return options.containsKey(key) && matched(options.get(key));
  }

  /** The options given on the command line (except {@code --conf}), keyed as in reference.conf. */
  public Map<String, Object> given() {
    Map<String, Object> given = new LinkedHashMap<>();
    options.forEach((key, option) -> {
      if (matched(option)) {
        given.put(key, option.getValue());
      }
    });
    return given;
  }

  private boolean matched(OptionSpec option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private static OptionSpec option(String key, Class<?> type) {
    String name = key.substring(prefix(key).length());
    OptionSpec.Builder b = OptionSpec.builder("--" + name).description(description(key, name));
    if (type == int.class) {
      b.type(Integer.class).paramLabel("N");
    } else if (type == long.class) {
      b.type(Long.class).paramLabel("N");
    } else if (type == double.class) {
      b.type(Double.class).paramLabel("X");
    } else if (type == boolean.class) {
      b.type(Boolean.class).paramLabel("BOOL").arity("0..1").fallbackValue("true");
    } else {
      b.type(String.class).paramLabel(name.toUpperCase(Locale.ROOT));
    }
    return b.build();
  }

  /** The key's comment in reference.conf without its own option name, then its default. */
  static String description(String key, String name) {
    ConfigValue value = REFERENCE.getValue(key);
    String text = String.join(" ", value.origin().comments().stream().map(String::trim).toList())
        .replace(" (--" + name + ")", "").replace("(--" + name + ")", "");
    Object unwrapped = value.unwrapped();
    String dflt = unwrapped.toString().isEmpty() ? "" : " Default: " + unwrapped + ".";
    // picocli formats descriptions: a literal % must be doubled
    return (text + dflt).replace("%", "%%");
  }

  private static String prefix(String key) {
    int dot = key.lastIndexOf('.');
    return dot < 0 ? "" : key.substring(0, dot + 1);
  }

  /** The keys a command with these options takes, in tree order; for tests and help. */
  public List<String> keys() {
    return List.copyOf(options.keySet());
  }
}
