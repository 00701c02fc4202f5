package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.SubmitScripts.ROOT;
import static org.mnistspark.SubmitScripts.SMALL_RUN;
import static org.mnistspark.SubmitScripts.deleteRecursively;
import static org.mnistspark.SubmitScripts.finish;
import static org.mnistspark.SubmitScripts.freePort;
import static org.mnistspark.SubmitScripts.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mnistspark.SubmitScripts.Result;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;
import org.mnistspark.submit.SparkSecret;

/**
 * Secure mode on a real standalone cluster: submit/standalone.sh start --secure (a Master and 2
 * Workers with authentication, AES RPC encryption and the secret from a mode-600 file) and
 * submit/cluster.sh --secure. A driver with the cluster's secret trains; one with another secret,
 * or with authentication off, is refused and writes nothing. About 1.5 minutes on 2 busy cores.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureClusterIT {
  static final Path RUN_DIR = ROOT.resolve("job/target/secure-standalone-it");
  static final Path WORK = ROOT.resolve("job/target/secure-cluster-it");
  static final Path EVENTS = WORK.resolve("events");

  static SubmitScripts scripts;
  static String master;
  static String secret;
  static Process wrongSecret;
  static Process noAuthentication;

  @BeforeAll
  static void startAuthenticatedClusterAndTheRefusedClients() throws Exception {
    RealMnist.dir();
    new SubmitScripts(RUN_DIR, WORK).script(60, "submit/standalone.sh", "stop"); // leftovers of an interrupted run
    deleteRecursively(WORK);
    Files.createDirectories(EVENTS);
    secret = newSecret();
    Path secretFile = privateFile("cluster.secret", secret + "\n");
    // a site that keeps event logs, so the test can read which settings the driver ran with
    Path site = Files.createDirectories(WORK.resolve("site"));
    Files.writeString(site.resolve("spark-defaults.conf"),
        "spark.eventLog.enabled true\nspark.eventLog.dir " + EVENTS.toUri() + "\n");
    scripts = new SubmitScripts(RUN_DIR, WORK).env(SparkSecret.ENV, secretFile.toString())
        .env("SPARK_CONF_DIR", site.toString());

    int port = freePort();
    Result start = scripts.script(180, "submit/standalone.sh", "start", "--secure", "--workers", "2",
        "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()));
    assertThat(start.code()).as("start; stderr: %s", start.err()).isZero();
    master = start.out().trim();
    assertThat(master).isEqualTo("spark://127.0.0.1:" + port);
    assertThat(start.err()).contains("authentication and encryption on");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(RUN_DIR.resolve("spark-daemons.properties"))))
        .as("the daemons' settings hold the secret").isEqualTo("rw-------");

    // Spark gives up on a master that refuses it only after 3 registration attempts 20 s apart, so
    // the refused clients run beside the accepted one instead of after it.
    Path otherSecret = privateFile("other.secret", newSecret() + "\n");
    wrongSecret = new SubmitScripts(RUN_DIR, WORK).env(SparkSecret.ENV, otherSecret.toString())
        .startSubmit(WORK.resolve("wrong-secret"), smallRun("--secure"));
    noAuthentication = new SubmitScripts(RUN_DIR, WORK).startSubmit(WORK.resolve("no-authentication"), smallRun());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Process p : new Process[] {wrongSecret, noAuthentication}) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    if (scripts != null) {
      scripts.script(60, "submit/standalone.sh", "stop");
      assertThat(RUN_DIR.resolve("spark-daemons.properties")).as("stop removes the copy of the secret").doesNotExist();
    }
  }

  @Test
  @Order(1)
  void aRunWithTheClustersSecretTrainsOnBothExecutorsAndWritesItsModel() throws Exception {
    Path out = WORK.resolve("right-secret");
    Result run = finish(scripts.startSubmit(out, smallRun("--secure")), out, 400);

    assertThat(run.code()).as("cluster.sh exit code; stderr:\n%s", run.err()).isZero();
    assertThat(out.resolve(ModelStore.MODEL)).isNotEmptyFile();
    JsonNode m = metrics(out);
    assertThat(m.at("/spark/master").asText()).isEqualTo(master);
    assertThat(m.at("/spark/executors/0").asLong()).as("tasks of executor 0").isPositive();
    assertThat(m.at("/spark/executors/1").asLong()).as("tasks of executor 1").isPositive();
    assertThat(m.at("/test/accuracy").asDouble()).as("test accuracy").isGreaterThan(SubmitScripts.SMALL_RUN_ACCURACY);

    // what the driver ran with: secure mode on top of the site's event log, the secret redacted
    JsonNode spark = SiteSparkDefaultsIT.environmentUpdate(EVENTS.resolve(m.at("/spark/applicationId").asText()))
        .get("Spark Properties");
    for (String on : List.of("spark.authenticate", "spark.network.crypto.enabled", "spark.io.encryption.enabled",
        "spark.eventLog.enabled")) {
      assertThat(spark.get(on).asText()).as(on).isEqualTo("true");
    }
    assertThat(spark.get("spark.ui.enabled").asText()).isEqualTo("false");
    assertThat(spark.get("spark.authenticate.secret").asText()).as("redacted in the event log").doesNotContain(secret);

    // executors were launched with authentication and encryption, their secret not on the command line
    for (String worker : List.of("worker-1", "worker-2")) {
      String launch = Files.readString(RUN_DIR.resolve(worker + ".log")).lines()
          .filter(l -> l.contains("Launch command:") && l.contains("CoarseGrainedExecutorBackend")).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError("no executor launched by " + worker));
      assertThat(launch).contains("-Dspark.authenticate=true", "-Dspark.network.crypto.enabled=true");
    }
    assertThat(filesHolding(secret)).as("files that hold the secret").containsExactlyInAnyOrder(
        RUN_DIR.resolve("spark-daemons.properties"), WORK.resolve("cluster.secret"));
  }

  @Test
  @Order(2)
  void clientsWithAnotherSecretOrNoneAreRefusedAndWriteNothing() throws Exception {
    Result wrong = finish(wrongSecret, WORK.resolve("wrong-secret"), 300);
    Result none = finish(noAuthentication, WORK.resolve("no-authentication"), 300);

    String refused = "mnist-job: failed: " + TrainingFailedException.class.getName() + ": the standalone master "
        + master + " did not accept the application";
    assertThat(wrong.code()).as("exit code; stderr:\n%s", wrong.err()).isEqualTo(MnistJob.FAILED);
    assertThat(wrong.err()).contains("Authentication failed", refused);
    assertThat(none.code()).as("exit code; stderr:\n%s", none.err()).isEqualTo(MnistJob.FAILED);
    assertThat(none.err()).contains(refused);
    assertThat(WORK.resolve("wrong-secret")).doesNotExist();
    assertThat(WORK.resolve("no-authentication")).doesNotExist();
    // the master registered only the run with the secret, and started no executors for the others
    assertThat(Files.readString(RUN_DIR.resolve("master.log")).lines().filter(l -> l.contains("Registered app")))
        .hasSize(1);
  }

  // --- helpers -------------------------------------------------------------------------------

  private static List<String> smallRun(String... extra) {
    List<String> args = new ArrayList<>(List.of("--master", master));
    args.addAll(List.of(extra));
    args.addAll(SMALL_RUN);
    return args;
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static Path privateFile(String name, String content) throws Exception {
    Path f = WORK.resolve(name);
    Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(f, content);
    return f;
  }

  /** Every file under the cluster's folder and this test's work folder (logs included) that holds {@code text}. */
  private static List<Path> filesHolding(String text) throws Exception {
    List<Path> found = new ArrayList<>();
    for (Path dir : List.of(RUN_DIR, WORK)) {
      try (Stream<Path> s = Files.walk(dir)) {
        // the spark-submit jar the workers copied is the only large file and cannot hold it
        for (Path f : s.filter(f -> Files.isRegularFile(f) && !f.toString().endsWith(".jar")).toList()) {
          if (new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) {
            found.add(f);
          }
        }
      }
    }
    return found;
  }
}
