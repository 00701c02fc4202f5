package org.mnistspark.config;

/** A command whose options come from the settings tree; the command line adds them before parsing. */
public interface Configurable {
  SettingsOptions settings();
}
