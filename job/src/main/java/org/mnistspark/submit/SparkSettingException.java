package org.mnistspark.submit;

/**
 * The Spark settings of a run cannot work as given: secure mode without the cluster's secret, a
 * secret file others can read, a site configuration that turns authentication off under secure
 * mode. Bad input, so the message is one line that names the file or setting.
 */
public final class SparkSettingException extends RuntimeException {
  public SparkSettingException(String message) {
    super(message);
  }
}
