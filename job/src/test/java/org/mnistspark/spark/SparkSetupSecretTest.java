package org.mnistspark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.submit.SparkSecret;
import org.mnistspark.submit.SparkSettingException;

/** Which drivers get the cluster's secret from the file, and which are refused before Spark starts. */
class SparkSetupSecretTest {
  @TempDir Path tmp;

  private static final String SECRET = "3f1c0a9b8e7d6c5b4a3f2e1d0c9b8a7f";

  private static SparkConf conf(String master, boolean authenticate) {
    return new SparkConf(false).setMaster(master).set("spark.authenticate", String.valueOf(authenticate));
  }

  private Map<String, String> env() throws Exception {
    Path f = tmp.resolve("secret");
    Files.writeString(f, SECRET + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return Map.of(SparkSecret.ENV, f.toString());
  }

  @Test
  void anAuthenticatedStandaloneDriverGetsTheSecretFromTheFile() throws Exception {
    SparkConf c = conf("spark://127.0.0.1:7077", true).set("spark.authenticate.secret", "replaced-by-the-file");
    SparkSetup.supplySecret(c, env());
    assertThat(c.get("spark.authenticate.secret")).isEqualTo(SECRET);
  }

  @Test
  void withoutTheFileASecretInTheSettingsIsKeptAndNoSecretAtAllIsBadInput() {
    SparkConf withSecret = conf("spark://h:7077", true).set("spark.authenticate.secret", SECRET);
    SparkSetup.supplySecret(withSecret, Map.of());
    assertThat(withSecret.get("spark.authenticate.secret")).isEqualTo(SECRET);

    SparkConf none = conf("spark://h:7077", true);
    assertThatThrownBy(() -> SparkSetup.supplySecret(none, Map.of())).isInstanceOf(SparkSettingException.class)
        .hasMessage("spark.authenticate is on and spark://h:7077 is a standalone master, which needs the cluster's"
            + " shared secret: set MNIST_SPARK_SECRET_FILE to the file that holds it (docs/security.md)");
    assertThat(MnistJob.isBadInput(new SparkSettingException("x"))).isTrue();
  }

  @Test
  void yarnLocalAndUnauthenticatedDriversAreLeftAlone() throws Exception {
    // YARN and local mode make a secret per application; YARN would also copy a set one into its staging folder
    for (SparkConf c : new SparkConf[] {conf("yarn", true), conf("local[2]", true), conf("spark://h:7077", false)}) {
      SparkSetup.supplySecret(c, env());
      assertThat(c.contains("spark.authenticate.secret")).as(c.get("spark.master")).isFalse();
    }
  }
}
