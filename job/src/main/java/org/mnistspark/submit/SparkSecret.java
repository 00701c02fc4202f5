package org.mnistspark.submit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The shared secret of a Spark standalone cluster with spark.authenticate on, read from the file
 * that {@value #ENV} names. Spark itself takes the secret only as the setting
 * spark.authenticate.secret (spark.authenticate.secret.file is for Kubernetes only), and a
 * setting on a command line is readable by every user of the machine; a file of mode 600 is not.
 * Uses only the JDK: submit/standalone.sh runs it without Spark on the classpath.
 */
public final class SparkSecret {
  /** Environment variable naming the file that holds the cluster's secret (this project's, not Spark's). */
  public static final String ENV = "MNIST_SPARK_SECRET_FILE";
  /** Shorter secrets are refused; Spark's own generated ones are 64 hex digits. */
  static final int MIN_LENGTH = 16;

  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private SparkSecret() {}

  /**
   * The secret in {@code file}: one line of at least {@value #MIN_LENGTH} characters, without
   * spaces, a trailing newline allowed.
   *
   * @throws SparkSettingException if the file is missing, empty, not one such line, or accessible
   *     to other users (who could read the secret, or replace it with one they know)
   */
  public static String read(String file) {
    String where = ENV + "=" + file;
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new SparkSettingException(where + ": no such file");
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
      if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
        throw new SparkSettingException(where + ": other users have access to it (" + PosixFilePermissions.toString(perms)
            + "); chmod 600 " + file);
      }
    } catch (UnsupportedOperationException notPosix) {
      // a file system without POSIX permissions has its own access control
    } catch (IOException e) {
      throw new SparkSettingException(where + ": cannot read its permissions (" + e.getMessage() + ")");
    }
    String secret;
    try {
      secret = Files.readString(path).strip();
    } catch (IOException e) {
      throw new SparkSettingException(where + ": cannot read it (" + e + ")");
    }
    if (secret.isEmpty()) {
      throw new SparkSettingException(where + ": the file is empty; create one with: openssl rand -hex 32 > " + file);
    }
    if (secret.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new SparkSettingException(where + ": the secret must be one line without spaces");
    }
    if (secret.length() < MIN_LENGTH) {
      throw new SparkSettingException(where + ": the secret has " + secret.length() + " characters, fewer than "
          + MIN_LENGTH + "; create one with: openssl rand -hex 32 > " + file);
    }
    return secret;
  }
}
