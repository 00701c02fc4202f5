package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.SubmitScripts.MNIST;
import static org.mnistspark.SubmitScripts.ROOT;
import static org.mnistspark.SubmitScripts.deleteRecursively;
import static org.mnistspark.SubmitScripts.finish;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mnistspark.SubmitScripts.Result;
import org.mnistspark.output.ModelStore;

/**
 * submit/cluster.sh lays our Spark settings over a site's spark-defaults.conf instead of replacing
 * it: a real submission (Spark's launcher and SparkSubmit, local[2]) with a site configuration in
 * $SPARK_CONF_DIR, read back from the event log the site's settings turn on. About 40 s. With
 * --secure, a site that weakens secure mode's settings is refused instead.
 */
@Tag("cluster")
class SiteSparkDefaultsIT {
  static final Path WORK = ROOT.resolve("job/target/site-defaults-it");

  @Test
  void theSitesDefaultsReachTheDriverUnderOursAndOursCannotWeakenItsSecuritySettings() throws Exception {
    deleteRecursively(WORK);
    Path site = Files.createDirectories(WORK.resolve("site"));
    Path events = Files.createDirectories(WORK.resolve("events"));
    Files.writeString(site.resolve("spark-defaults.conf"), String.join("\n",
        "spark.eventLog.enabled true",
        "spark.eventLog.dir " + events.toUri(),
        "spark.authenticate true",
        "spark.io.encryption.enabled true",
        "spark.driver.extraJavaOptions -Dsite.marker=from-site-defaults",
        "spark.kryoserializer.buffer.max 64m",
        "spark.site.only kept", ""));
    // our settings plus three that would turn the site's security off
    Path ours = WORK.resolve("weakening.properties");
    Files.writeString(ours, Files.readString(ROOT.resolve("conf/spark-cluster.properties"))
        + "\nspark.eventLog.enabled=false\nspark.authenticate=false\nspark.io.encryption.enabled=false\n");

    Path out = WORK.resolve("run");
    SubmitScripts scripts = new SubmitScripts(WORK.resolve("no-standalone"), WORK).env("SPARK_CONF_DIR", site.toString());
    Result run = finish(scripts.startSubmit(out, List.of("--master", "local[2]", "--properties-file", ours.toString(),
        "--spark-conf", "spark.task.maxFailures=3", "--data", MNIST, "--train-limit", "600", "--epochs", "1",
        "--batch-size-per-worker", "16", "--averaging-frequency", "10")), out, 300);

    assertThat(run.code()).as("cluster.sh exit code; stderr:\n%s", run.err()).isZero();
    assertThat(out.resolve(ModelStore.MODEL)).isNotEmptyFile();
    assertThat(run.err()).contains(
        "cluster.sh: Spark settings: the site's " + site.resolve("spark-defaults.conf") + ", then " + ours + ", then --spark-conf",
        "cluster.sh: kept the site's spark.authenticate:", "cluster.sh: kept the site's spark.eventLog.enabled:",
        "cluster.sh: kept the site's spark.io.encryption.enabled:");

    // the site turned the event log on: that it exists at all shows the driver read the site's file
    String appId = SubmitScripts.metrics(out).at("/spark/applicationId").asText();
    JsonNode env = environmentUpdate(events.resolve(appId));
    JsonNode spark = env.get("Spark Properties");
    assertThat(spark.get("spark.eventLog.enabled").asText()).isEqualTo("true");
    assertThat(spark.get("spark.authenticate").asText()).isEqualTo("true");
    assertThat(spark.get("spark.io.encryption.enabled").asText()).isEqualTo("true");
    assertThat(spark.get("spark.site.only").asText()).as("a setting only the site makes").isEqualTo("kept");
    assertThat(spark.get("spark.kryoserializer.buffer.max").asText()).as("ours over the site's").isEqualTo("512m");
    assertThat(spark.get("spark.task.maxFailures").asText()).as("--spark-conf over ours").isEqualTo("3");
    String driverOptions = spark.get("spark.driver.extraJavaOptions").asText();
    // (Spark puts its own Java 17 flags in front of both)
    assertThat(driverOptions).contains("-Dsite.marker=from-site-defaults", "-Dorg.bytedeco.javacpp.maxbytes=2g");
    assertThat(driverOptions.indexOf("-Dsite.marker")).as("the site's JVM options before ours")
        .isLessThan(driverOptions.indexOf("-Dorg.bytedeco.javacpp.maxbytes=2g"));
    // and the driver JVM was started with both
    assertThat(env.at("/System Properties/site.marker").asText()).isEqualTo("from-site-defaults");
    assertThat(env.at("/System Properties/org.bytedeco.javacpp.maxbytes").asText()).isEqualTo("2g");
  }

  @Test
  void withSecureASiteThatWeakensSecureModeIsRefusedBeforeSparkStarts() throws Exception {
    Path site = Files.createDirectories(WORK.resolve("weakening-site"));
    Files.writeString(site.resolve("spark-defaults.conf"), "spark.io.encryption.enabled false\n");
    Path out = WORK.resolve("refused");
    SubmitScripts scripts = new SubmitScripts(WORK.resolve("no-standalone"), WORK).env("SPARK_CONF_DIR", site.toString());

    Result run = finish(scripts.startSubmit(out, List.of("--master", "local[2]", "--secure", "--data", MNIST)), out, 120);

    assertThat(run.code()).as("cluster.sh exit code; stderr:\n%s", run.err()).isEqualTo(2);
    // one line, naming the site's file and the key (the script names our file from its own root)
    assertThat(run.err().lines()).singleElement().asString()
        .startsWith("cluster.sh: " + site.resolve("spark-defaults.conf") + " sets spark.io.encryption.enabled=false"
            + " (--secure needs true): a site's security settings win over ")
        .endsWith("conf/spark-secure.properties, so the run would not be secure; change it there, or leave out --secure");
    assertThat(out).doesNotExist();
  }

  /** The event log's SparkListenerEnvironmentUpdate: the settings the driver ran with. */
  static JsonNode environmentUpdate(Path eventLog) throws Exception {
    assertThat(eventLog).as("event log of the run").isRegularFile();
    try (Stream<String> lines = Files.lines(eventLog)) {
      for (String line : lines.toList()) {
        JsonNode event = ModelStore.JSON.readTree(line);
        if (event.path("Event").asText().equals("SparkListenerEnvironmentUpdate")) {
          return event;
        }
      }
    }
    throw new AssertionError("no SparkListenerEnvironmentUpdate in " + eventLog);
  }
}
