package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.junit.jupiter.api.Test;

/** The S3A connector on the job's classpath, and the fail-fast probe {@link FileSystems#open} makes first. */
class FileSystemsTest {

  /** Hadoop settings as the job derives them from spark.hadoop.* keys. */
  private static Configuration hadoop(Map<String, String> sparkSettings) {
    Configuration conf = new Configuration();
    sparkSettings.forEach((k, v) -> conf.set(k.substring("spark.hadoop.".length()), v));
    return conf;
  }

  @Test
  void s3aSchemeResolvesToTheS3aConnector() throws Exception {
    // newInstance: creating the file system contacts no store (fs.s3a.bucket.probe is 0), so any bucket name does
    try (FileSystem fs = FileSystem.newInstance(new URI("s3a://mnist-spark-any-bucket/"), new Configuration())) {
      assertThat(fs).isInstanceOf(S3AFileSystem.class);
    }
  }

  @Test
  void theProbeTurnsOffRetriesAlsoWhereABucketSettingOverridesThem() {
    Configuration user = new Configuration(false);
    user.set("fs.s3a.retry.limit", "7");
    user.set("fs.s3a.bucket.data.retry.limit", "9");
    user.set("fs.s3a.bucket.data.attempts.maximum", "20");

    Configuration probe = FileSystems.withoutRetries(user, "data");

    assertThat(probe.get("fs.s3a.retry.limit")).isEqualTo("0");
    assertThat(probe.get("fs.s3a.bucket.data.retry.limit")).isEqualTo("0");
    assertThat(probe.get("fs.s3a.bucket.data.attempts.maximum")).isEqualTo("0");
    assertThat(user.get("fs.s3a.bucket.data.retry.limit")).as("the user's settings").isEqualTo("9");
  }

  /** The job reads and writes through the cached file system, which keeps the user's retries. */
  @Test
  void aStoreThatAnswersIsOpenedWithTheUsersRetries() throws Exception {
    HttpServer s3 = S3aEndpoints.withEveryObject();
    try {
      Configuration conf = hadoop(S3aEndpoints.settings(s3.getAddress().getPort(), true));
      conf.setInt("fs.s3a.retry.limit", 5);

      try (FileSystem fs = FileSystems.open(new Path("s3a://mnist-spark-answering/mnist/model.zip"), conf)) {
        assertThat(fs).isInstanceOf(S3AFileSystem.class);
        assertThat(fs.getConf().getInt("fs.s3a.retry.limit", -1)).isEqualTo(5);
        assertThat(fs.getConf().getInt("fs.s3a.attempts.maximum", -1)).as("Hadoop's default").isEqualTo(20);
      }
    } finally {
      s3.stop(0);
    }
  }
}
