package org.mnistspark.config;

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

  private InvalidOptionException(String message) {
    super(message);
  }

  /**
   * A configuration key that no option has.
   *
   * @param source the configuration file as the user named it, or "options"
   * @param key the unknown key, in full (mnist.retrain.flor)
   * @param closest the known key it most resembles
   */
  public static InvalidOptionException unknownKey(String source, String key, String closest) {
    return new InvalidOptionException(source + ": unknown key " + key + " (did you mean " + closest + "?)");
  }

  /**
   * A top-level key of a configuration file other than {@code mnist}, which the job never reads.
   *
   * @param file the configuration file as the user named it
   * @param key the top-level key
   * @param meant what it was likely meant as ({@code mnist.retrain}, {@code mnist}), or null
   */
  public static InvalidOptionException outsideRoot(String file, String key, String meant) {
    return new InvalidOptionException(file + ": top-level key " + key + " is outside the mnist block, which holds every "
        + "setting" + (meant == null ? "" : " (did you mean " + meant + "?)"));
  }

  /**
   * A checkpoint this run cannot continue from.
   *
   * @param checkpoint where it is
   * @param why what stands in the way, and what to do
   */
  public static InvalidOptionException cannotResume(String checkpoint, String why) {
    return new InvalidOptionException("cannot resume from " + checkpoint + ": " + why);
  }

  private static String asFlag(String option) {
    return option.startsWith("-") ? option : "--" + option;
  }
}
