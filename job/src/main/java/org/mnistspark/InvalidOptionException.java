package org.mnistspark;

/** An option (on the command line or in a configuration file) has a value the job cannot use. */
public final class InvalidOptionException extends RuntimeException {

  /**
   * @param option the option's key as in reference.conf, or its command-line name
   * @param value the rejected value as the user wrote it
   * @param problem what is wrong, phrased to follow the value
   */
  public InvalidOptionException(String option, String value, String problem) {
    super("Invalid value '" + value + "' for option '" + asFlag(option) + "': " + problem);
  }

  private static String asFlag(String option) {
    return option.startsWith("-") ? option : "--" + option;
  }
}
