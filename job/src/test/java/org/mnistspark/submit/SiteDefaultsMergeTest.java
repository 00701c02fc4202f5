package org.mnistspark.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mnistspark.submit.SiteDefaultsMerge.Layer;
import org.mnistspark.submit.SiteDefaultsMerge.Merged;

/** How our Spark settings are laid over a site's spark-defaults.conf. */
class SiteDefaultsMergeTest {
  @TempDir Path tmp;

  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  private static Layer layer(String name, String... keyValues) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new Layer(name, m);
  }

  @Test
  void theSitesSecuritySettingsWinOverOursTheRestIsOurs() {
    Layer site = layer("site", "spark.authenticate", "true", "spark.eventLog.enabled", "true",
        "spark.ui.view.acls", "alice", "spark.kryoserializer.buffer.max", "64m", "spark.site.only", "x");
    Layer ours = layer("ours", "spark.authenticate", "false", "spark.eventLog.enabled", "false",
        "spark.ui.view.acls", "*", "spark.kryoserializer.buffer.max", "512m", "spark.executor.memory", "1g");

    Merged m = SiteDefaultsMerge.over(site, List.of(ours));

    assertThat(m.overrides()).containsExactly(Map.entry("spark.kryoserializer.buffer.max", "512m"),
        Map.entry("spark.executor.memory", "1g"));
    assertThat(m.kept()).containsExactly("spark.authenticate", "spark.eventLog.enabled", "spark.ui.view.acls");
  }

  @Test
  void securitySettingsTheSiteLeavesOutAreAddedAndEqualOnesAreNotReported() {
    Layer site = layer("site", "spark.io.encryption.enabled", "true");
    Layer secure = layer("secure", "spark.authenticate", "true", "spark.io.encryption.enabled", "true");

    Merged m = SiteDefaultsMerge.over(site, List.of(secure));

    assertThat(m.overrides()).containsExactly(Map.entry("spark.authenticate", "true"));
    assertThat(m.kept()).isEmpty();
  }

  @Test
  void jvmOptionsAreJoinedTheSitesFirst() {
    Layer site = layer("site", "spark.driver.extraJavaOptions", "-Djava.security.krb5.conf=/etc/krb5.conf");
    Layer ours = layer("ours", "spark.driver.extraJavaOptions", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "spark.executor.extraJavaOptions", "-Dx=1");

    Merged m = SiteDefaultsMerge.over(site, List.of(ours));

    assertThat(m.overrides()).containsEntry("spark.driver.extraJavaOptions",
        "-Djava.security.krb5.conf=/etc/krb5.conf --add-opens=java.base/java.nio=ALL-UNNAMED");
    assertThat(m.overrides()).containsEntry("spark.executor.extraJavaOptions", "-Dx=1");
  }

  @Test
  void aLaterFileOfOursOverridesAnEarlierOne() {
    Merged m = SiteDefaultsMerge.over(layer("site"), List.of(layer("cluster", "spark.ui.enabled", "true", "a", "1"),
        layer("secure", "spark.ui.enabled", "false")));
    assertThat(m.overrides()).containsExactly(Map.entry("spark.ui.enabled", "false"), Map.entry("a", "1"));
  }

  /** conf/spark-secure.properties as cluster.sh --secure and standalone.sh start --secure give it. */
  private static Layer secureFile() {
    Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    Layer file = SiteDefaultsMerge.load(root.resolve("conf/spark-secure.properties"));
    return new Layer("conf/spark-secure.properties", file.settings()).asSecure();
  }

  /** For each setting of conf/spark-secure.properties, a site value that would weaken it. */
  private static final Map<String, String> WEAKER = Map.of(
      "spark.authenticate", "false",
      "spark.network.crypto.enabled", "false",
      "spark.network.crypto.authEngineVersion", "1",
      "spark.network.crypto.saslFallback", "true",
      "spark.io.encryption.enabled", "false",
      "spark.ui.enabled", "true");

  @Test
  void everySettingOfSecureModeIsCoveredBelow() {
    assertThat(secureFile().settings().keySet()).containsExactlyInAnyOrderElementsOf(WEAKER.keySet())
        .allMatch(SiteDefaultsMerge::isSecurity);
  }

  static List<String> secureSettings() {
    return WEAKER.keySet().stream().sorted().toList();
  }

  @ParameterizedTest
  @MethodSource("secureSettings")
  void secureModeRefusesASiteThatWeakensOneOfItsSettings(String key) {
    Layer secure = secureFile();
    Layer site = layer("/etc/spark/spark-defaults.conf", key, WEAKER.get(key), "spark.eventLog.enabled", "true");

    assertThatThrownBy(() -> SiteDefaultsMerge.over(site, List.of(layer("cluster", "spark.executor.memory", "1g"), secure)))
        .isInstanceOf(SparkSettingException.class)
        .hasMessage("/etc/spark/spark-defaults.conf sets " + key + "=" + WEAKER.get(key) + " (--secure needs "
            + secure.settings().get(key) + "): a site's security settings win over conf/spark-secure.properties, so the"
            + " run would not be secure; change it there, or leave out --secure");
  }

  @Test
  void secureModeNamesEverySettingTheSiteWeakensOnOneLine() {
    Layer site = layer("/etc/spark/spark-defaults.conf", "spark.io.encryption.enabled", "false",
        "spark.ui.enabled", "true");
    assertThatThrownBy(() -> SiteDefaultsMerge.over(site, List.of(secureFile())))
        .hasMessage("/etc/spark/spark-defaults.conf sets spark.io.encryption.enabled=false (--secure needs true),"
            + " spark.ui.enabled=true (--secure needs false): a site's security settings win over"
            + " conf/spark-secure.properties, so the run would not be secure; change them there, or leave out --secure")
        .message().doesNotContain(System.lineSeparator());
  }

  @Test
  void secureModeAcceptsASiteThatSetsItsSettingsAlikeOrAddsOthers() {
    Layer site = layer("site", "spark.authenticate", "true", "spark.io.encryption.enabled", "true",
        "spark.network.crypto.keyLength", "256", "spark.eventLog.enabled", "true");

    Merged m = SiteDefaultsMerge.over(site, List.of(secureFile()));

    assertThat(m.overrides()).containsOnlyKeys("spark.network.crypto.enabled", "spark.network.crypto.authEngineVersion",
        "spark.network.crypto.saslFallback", "spark.ui.enabled");
    assertThat(m.kept()).isEmpty();
    // Spark reads booleans ignoring case
    assertThatCode(() -> SiteDefaultsMerge.over(layer("site", "spark.authenticate", "TRUE", "spark.ui.enabled", "False"),
        List.of(secureFile()))).doesNotThrowAnyException();
  }

  @Test
  void withoutSecureModeTheSitesWeakerSettingsStillWin() {
    Layer site = layer("site", "spark.io.encryption.enabled", "false", "spark.ui.enabled", "true");
    Layer plain = new Layer("ours", secureFile().settings());

    Merged m = SiteDefaultsMerge.over(site, List.of(plain));

    assertThat(m.kept()).containsExactly("spark.io.encryption.enabled", "spark.ui.enabled");
    assertThat(m.overrides()).doesNotContainKeys("spark.io.encryption.enabled", "spark.ui.enabled")
        .containsEntry("spark.authenticate", "true");
  }

  @Test
  void aFileOfOursThatTurnsAuthenticationOnRefusesASiteThatTurnsItOff() {
    assertThatThrownBy(() -> SiteDefaultsMerge.over(layer("/etc/spark/spark-defaults.conf", "spark.authenticate", "false"),
        List.of(layer("cluster"), layer("mine.properties", "spark.authenticate", "true"))))
        .isInstanceOf(SparkSettingException.class)
        .hasMessage("/etc/spark/spark-defaults.conf sets spark.authenticate=false, and a site's security setting wins"
            + " over mine.properties: turn authentication on there, or leave it out of mine.properties");
  }

  @Test
  void whichSecuritySettingsCount() {
    assertThat(List.of("spark.authenticate", "spark.authenticate.secret", "spark.network.crypto.enabled",
        "spark.io.encryption.keySizeBits", "spark.kerberos.keytab", "spark.eventLog.dir", "spark.ssl.enabled",
        "spark.acls.enable", "spark.modify.acls.groups", "spark.admin.acls", "spark.ui.filters",
        "spark.redaction.regex", "spark.yarn.principal"))
        .allMatch(SiteDefaultsMerge::isSecurity);
    assertThat(List.of("spark.executor.memory", "spark.serializer", "spark.driver.extraJavaOptions", "spark.ui.port"))
        .noneMatch(SiteDefaultsMerge::isSecurity);
  }

  @Test
  void theSiteFileIsInSparkConfDirElseInSparkHomeConf() throws Exception {
    Path confDir = Files.createDirectories(tmp.resolve("confdir"));
    Path home = Files.createDirectories(tmp.resolve("home/conf")).getParent();
    Files.writeString(home.resolve("conf/spark-defaults.conf"), "spark.a 1\n");

    assertThat(SiteDefaultsMerge.siteDefaults(Map.of("SPARK_HOME", home.toString())))
        .contains(home.resolve("conf/spark-defaults.conf"));
    // as Spark does: SPARK_CONF_DIR replaces $SPARK_HOME/conf even when it holds no defaults file
    assertThat(SiteDefaultsMerge.siteDefaults(Map.of("SPARK_HOME", home.toString(), "SPARK_CONF_DIR", confDir.toString())))
        .isEmpty();
    Files.writeString(confDir.resolve("spark-defaults.conf"), "spark.b 2\n");
    assertThat(SiteDefaultsMerge.siteDefaults(Map.of("SPARK_HOME", home.toString(), "SPARK_CONF_DIR", confDir.toString())))
        .contains(confDir.resolve("spark-defaults.conf"));
    assertThat(SiteDefaultsMerge.siteDefaults(Map.of())).isEmpty();
  }

  @Test
  void filesAreReadAsSparkReadsThem() throws Exception {
    Path f = tmp.resolve("spark-defaults.conf");
    Files.writeString(f, "# comment\nspark.a   spaced value  \nspark.b=x\\\n  y\nspark.c: é\n");
    assertThat(SiteDefaultsMerge.load(f).settings()).containsExactly(Map.entry("spark.a", "spaced value"),
        Map.entry("spark.b", "xy"), Map.entry("spark.c", "é"));
  }

  /** What one run of the command printed and returned. */
  record Run(int code, byte[] out, String err) {
    List<String> confs() {
      String s = new String(out, StandardCharsets.UTF_8);
      return s.isEmpty() ? List.of() : Arrays.asList(s.substring(0, s.length() - 1).split("\0", -1));
    }
  }

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SiteDefaultsMerge.run(args, env, new PrintStream(out, true), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  private Path site(String content) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(dir.resolve("spark-defaults.conf"), content);
    return dir;
  }

  @Test
  void confsPrintsTheOptionsForSparkSubmitAndSaysWhatItKept() throws Exception {
    Path dir = site("spark.eventLog.enabled true\nspark.executor.memory 4g\n");
    Path ours = tmp.resolve("ours.properties");
    Files.writeString(ours, "spark.eventLog.enabled=false\nspark.executor.memory=1g\nspark.note=a=b c\n");

    Run r = run(Map.of("SPARK_CONF_DIR", dir.toString()), "confs", "cluster.sh", ours.toString());

    assertThat(r.code()).isZero();
    assertThat(r.confs()).containsExactly("--conf", "spark.executor.memory=1g", "--conf", "spark.note=a=b c");
    assertThat(r.err().lines()).containsExactly(
        "cluster.sh: Spark settings: the site's " + dir.resolve("spark-defaults.conf") + ", then " + ours + ", then --spark-conf",
        "cluster.sh: kept the site's spark.eventLog.enabled: a file of ours sets it too, and the site's security settings win");
  }

  @Test
  void withSecureConfsRefusesASiteThatWeakensItInOneLine() throws Exception {
    Path dir = site("spark.io.encryption.enabled false\nspark.executor.memory 4g\n");
    Path cluster = Files.writeString(tmp.resolve("cluster.properties"), "spark.executor.memory=1g\n");
    Path secure = Files.writeString(tmp.resolve("secure.properties"), "spark.io.encryption.enabled=true\n");

    Run r = run(Map.of("SPARK_CONF_DIR", dir.toString()), "confs", "cluster.sh", cluster.toString(), "--secure",
        secure.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly("cluster.sh: " + dir.resolve("spark-defaults.conf") + " sets"
        + " spark.io.encryption.enabled=false (--secure needs true): a site's security settings win over " + secure
        + ", so the run would not be secure; change it there, or leave out --secure");
    assertThat(r.out()).isEmpty();

    // the same files without --secure: the site's setting wins, as for any file of ours
    Run plain = run(Map.of("SPARK_CONF_DIR", dir.toString()), "confs", "cluster.sh", cluster.toString(),
        secure.toString());
    assertThat(plain.code()).as(plain.err()).isZero();
    assertThat(plain.confs()).containsExactly("--conf", "spark.executor.memory=1g");
    assertThat(plain.err().lines()).last().asString()
        .isEqualTo("cluster.sh: kept the site's spark.io.encryption.enabled: a file of ours sets it too, and the site's"
            + " security settings win");

    Run noFile = run(Map.of(), "confs", "cluster.sh", cluster.toString(), "--secure");
    assertThat(noFile.code()).isEqualTo(2);
    assertThat(noFile.err().lines()).containsExactly("cluster.sh: --secure needs a file after it");
  }

  @Test
  void withoutASiteFileConfsPassesOursQuietly() throws Exception {
    Path ours = tmp.resolve("ours.properties");
    Files.writeString(ours, "spark.a=1\n");
    Run r = run(Map.of(), "confs", "cluster.sh", ours.toString());
    assertThat(r.code()).isZero();
    assertThat(r.confs()).containsExactly("--conf", "spark.a=1");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void badInputIsOneLineAndExit2() throws Exception {
    Run missing = run(Map.of(), "confs", "cluster.sh", tmp.resolve("nope.properties").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err().lines()).containsExactly("cluster.sh: " + tmp.resolve("nope.properties") + ": no such file");
    assertThat(missing.out()).isEmpty();

    Path secure = tmp.resolve("secure.properties");
    Files.writeString(secure, "spark.authenticate=true\n");
    Path dir = site("spark.authenticate false\n");
    Run off = run(Map.of("SPARK_CONF_DIR", dir.toString()), "confs", "cluster.sh", secure.toString());
    assertThat(off.code()).isEqualTo(2);
    assertThat(off.err().lines()).last().asString().startsWith("cluster.sh: " + dir.resolve("spark-defaults.conf")
        + " sets spark.authenticate=false");
    assertThat(off.out()).isEmpty();

    Run usage = run(Map.of(), "merge");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err().lines()).hasSize(1);
  }

  @Test
  void theDaemonFileHoldsSiteOursAndTheSecretReadableOnlyByItsOwner() throws Exception {
    Path dir = site("spark.eventLog.enabled true\nspark.network.crypto.keyLength 256\n");
    Path secure = tmp.resolve("secure.properties");
    Files.writeString(secure, "spark.authenticate=true\nspark.network.crypto.enabled=true\n");
    Path secret = secretFile("rw-------", SECRET + "\n");
    Path target = tmp.resolve("daemons.properties");

    Run r = run(Map.of("SPARK_CONF_DIR", dir.toString(), SparkSecret.ENV, secret.toString()),
        "daemon-file", "standalone.sh", target.toString(), "--secure", secure.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(target)) {
      p.load(in);
    }
    assertThat(p).containsOnly(Map.entry("spark.eventLog.enabled", "true"), Map.entry("spark.authenticate", "true"),
        Map.entry("spark.network.crypto.enabled", "true"), Map.entry("spark.network.crypto.keyLength", "256"),
        Map.entry("spark.authenticate.secret", SECRET));
    assertThat(r.err()).doesNotContain(SECRET);
  }

  @Test
  void theDaemonFileIsNotWrittenForASiteThatWeakensSecureMode() throws Exception {
    Path dir = site("spark.network.crypto.enabled false\n");
    Path secure = Files.writeString(tmp.resolve("secure.properties"),
        "spark.authenticate=true\nspark.network.crypto.enabled=true\n");
    Path target = tmp.resolve("daemons.properties");

    Run r = run(Map.of("SPARK_CONF_DIR", dir.toString(), SparkSecret.ENV, secretFile("rw-------", SECRET).toString()),
        "daemon-file", "standalone.sh", target.toString(), "--secure", secure.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly("standalone.sh: " + dir.resolve("spark-defaults.conf") + " sets"
        + " spark.network.crypto.enabled=false (--secure needs true): a site's security settings win over " + secure
        + ", so the run would not be secure; change it there, or leave out --secure");
    assertThat(target).doesNotExist();
  }

  @Test
  void theDaemonFileNeedsTheSecret() throws Exception {
    Path secure = tmp.resolve("secure.properties");
    Files.writeString(secure, "spark.authenticate=true\n");
    Path target = tmp.resolve("daemons.properties");

    Run r = run(Map.of(), "daemon-file", "standalone.sh", target.toString(), "--secure", secure.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly("standalone.sh: MNIST_SPARK_SECRET_FILE is not set: a standalone cluster"
        + " with spark.authenticate on needs one shared secret; create a file with: openssl rand -hex 32 > FILE; chmod 600 FILE");
    assertThat(target).doesNotExist();
  }

  private Path secretFile(String perms, String content) throws Exception {
    Path f = tmp.resolve("secret-" + perms);
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
    return f;
  }
}
