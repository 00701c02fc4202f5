package org.mnistspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.util.List;
import java.util.Map;

/**
 * The settings tree: every option of every command, declared once in reference.conf (key, default,
 * unit, documentation) and typed once in these records; read once from reference.conf, then a
 * configuration file, then the command line. {@link SettingsOptions} turns the same tree into
 * command-line options, so an option exists only here.
 */
public record Settings(JobConfig job, RetrainConfig retrain, StudyConfig study, BenchConfig bench, TableConfig table) {
  static final String ROOT = "mnist";

  /** The blocks below {@code mnist}: their key prefix and record type, the job's first (no prefix). */
  static final List<Block> BLOCKS = List.of(new Block("", JobConfig.class), new Block("retrain.", RetrainConfig.class),
      new Block("study.", StudyConfig.class), new Block("bench.", BenchConfig.class), new Block("table.", TableConfig.class));

  /** A block of the tree: its keys start with {@code prefix}. */
  record Block(String prefix, Class<? extends Record> type) {}

  /**
   * Returns the settings from reference.conf, then {@code confFile} (may be null), then
   * {@code overrides} (keys as in reference.conf below {@code mnist.}, e.g. {@code epochs} or
   * {@code retrain.floor}), every block checked.
   *
   * @throws InvalidOptionException if the file cannot be read, holds a key outside the
   *     {@code mnist} block, a key is not in reference.conf or a value has the wrong type or breaks
   *     its rule
   */
  public static Settings load(File confFile, Map<String, Object> overrides) {
    Config mnist = merged(confFile, overrides);
    try {
      return new Settings(SettingsRecords.read(JobConfig.class, mnist),
          SettingsRecords.read(RetrainConfig.class, mnist.getConfig("retrain")),
          SettingsRecords.read(StudyConfig.class, mnist.getConfig("study")),
          SettingsRecords.read(BenchConfig.class, mnist.getConfig("bench")),
          SettingsRecords.read(TableConfig.class, mnist.getConfig("table")));
    } catch (ConfigException.BadPath | ConfigException.ValidationFailed e) {
      throw new InvalidOptionException("--conf", String.valueOf(confFile), e.getMessage());
    }
  }

  /** reference.conf, then the file, then the overrides, checked against reference.conf's keys and types. */
  private static Config merged(File confFile, Map<String, Object> overrides) {
    Config reference = ConfigFactory.defaultReference();
    ConfigKeys keys = new ConfigKeys(reference.getConfig(ROOT));
    Config merged = file(confFile);
    if (confFile != null) {
      keys.checkTopLevel(merged, confFile.getPath());
    }
    for (Map.Entry<String, Object> o : overrides.entrySet()) {
      merged = merged.withValue(ROOT + "." + o.getKey(), ConfigValueFactory.fromAnyRef(o.getValue()));
    }
    merged = merged.withFallback(reference).resolve();
    try {
      merged.checkValid(reference, ROOT);
    } catch (ConfigException.BadPath | ConfigException.WrongType | ConfigException.ValidationFailed e) {
      throw new InvalidOptionException("--conf", String.valueOf(confFile), e.getMessage());
    }
    Config mnist = merged.getConfig(ROOT);
    keys.check(mnist, overrides, confFile == null ? null : confFile.getPath());
    return mnist;
  }

  private static Config file(File confFile) {
    if (confFile == null) {
      return ConfigFactory.empty();
    }
    if (!confFile.isFile()) {
      throw new InvalidOptionException("--conf", confFile.getPath(), "no such file");
    }
    try {
      return ConfigFactory.parseFile(confFile, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new InvalidOptionException("--conf", confFile.getPath(), e.getMessage());
    }
  }
}
