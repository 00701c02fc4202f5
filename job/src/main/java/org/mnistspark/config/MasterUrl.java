package org.mnistspark.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The Spark master URLs that Spark 3.5's SparkContext accepts, checked with the options: Spark
 * itself rejects a malformed one only while the context starts, after the data are loaded, and
 * with a stack trace.
 */
final class MasterUrl {
  static final String FORMS = "local, local[N], local[*], local[N,F], local[*,F], spark://HOST:PORT[,HOST:PORT...], "
      + "yarn, k8s://URL or mesos://URL";

  // SparkMasterRegex's LOCAL_N_REGEX and LOCAL_N_FAILURES_REGEX in one; Spark refuses 0 threads
  private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|0*[1-9][0-9]{0,8})(\\s*,\\s*[0-9]{1,9})?\\])?");
  // LOCAL_CLUSTER_REGEX: workers, cores per worker, MB per worker
  private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*[0-9]+\\s*,\\s*[0-9]+\\s*,\\s*[0-9]+\\s*]");
  // the cluster managers found by name: YARN's by equality, Kubernetes' and Mesos' by prefix
  private static final Pattern MANAGER = Pattern.compile("yarn|k8s://.+|mesos://.+");
  private static final String SPARK = "spark://";

  private MasterUrl() {}

  /**
   * @param url a master URL as the user wrote it
   * @throws InvalidOptionException if Spark would not accept it
   */
  static String check(String url) {
    boolean valid = LOCAL.matcher(url).matches() || LOCAL_CLUSTER.matcher(url).matches() || MANAGER.matcher(url).matches()
        || url.startsWith(SPARK) && standaloneMasters(url.substring(SPARK.length()));
    if (!valid) {
      throw new InvalidOptionException("master", url, "is not a Spark master URL (" + FORMS + ")");
    }
    return url;
  }

  /** HOST:PORT[,HOST:PORT...], each as Spark's Utils.extractHostPortFromSparkUrl requires it. */
  private static boolean standaloneMasters(String list) {
    for (String hostPort : list.split(",", -1)) {
      try {
        URI u = new URI(SPARK + hostPort);
        if (u.getHost() == null || u.getPort() < 1 || u.getPort() > 65535 || !u.getPath().isEmpty()
            || u.getQuery() != null || u.getFragment() != null || u.getUserInfo() != null) {
          return false;
        }
      } catch (URISyntaxException e) {
        return false;
      }
    }
    return true;
  }
}
