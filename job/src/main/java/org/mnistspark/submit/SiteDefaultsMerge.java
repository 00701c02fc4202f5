package org.mnistspark.submit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Lays this project's Spark settings over a site's spark-defaults.conf instead of in its place.
 *
 * <p>Spark 3.5's spark-submit reads either {@code --properties-file FILE} or the site's
 * spark-defaults.conf, never both, so submitting with our file silently dropped a cluster's
 * authentication, encryption, Kerberos and event-log settings. submit/cluster.sh now leaves the
 * site's file to spark-submit, which loads it as it always does, and passes our files as --conf
 * options, which spark-submit applies over it key by key. The order is the site's defaults, then
 * our files in the order given, then --spark-conf. Two exceptions keep the site's choices:
 * <ul>
 *   <li>a security setting (see {@link #isSecurity}) that the site makes stays the site's: our
 *       files may add security settings but never replace one, so they cannot weaken it;
 *   <li>JVM options are joined, the site's first, so a site's -Djava.security.krb5.conf or
 *       trust-store option survives our Java 17 flags.
 * </ul>
 * Secure mode's file (given with {@code --secure}) is the one whose security settings must hold:
 * a site that sets one of them to another value, which would win, is refused instead.
 * Uses only the JDK: the scripts run it before Spark, with just the job's thin jar.
 */
public final class SiteDefaultsMerge {
  static final String DEFAULTS_FILE = "spark-defaults.conf";
  static final String AUTHENTICATE = "spark.authenticate";
  static final String SECRET = "spark.authenticate.secret";

  /**
   * Prefixes of the settings that decide who may talk to the cluster's processes and what they
   * keep: authentication, RPC and disk encryption, Kerberos, TLS, event logs (the audit trail),
   * ACLs, UI filters, redaction of secrets in logs.
   */
  static final List<String> SECURITY_PREFIXES = List.of(
      "spark.authenticate", "spark.network.crypto.", "spark.network.sasl.", "spark.io.encryption.",
      "spark.kerberos.", "spark.yarn.keytab", "spark.yarn.principal", "spark.yarn.access.", "spark.eventLog.",
      "spark.ssl.", "spark.acls.", "spark.redaction.", "spark.ui.enabled", "spark.ui.filters",
      "spark.hadoop.hadoop.security.");

  /** Settings whose values are lists of JVM options: joined instead of replaced. */
  static final Set<String> JVM_OPTIONS = Set.of(
      "spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions", "spark.yarn.am.extraJavaOptions");

  private SiteDefaultsMerge() {}

  /** Whether {@code key} is a setting a site's value of which our files must not replace. */
  static boolean isSecurity(String key) {
    // spark.ui.view.acls, spark.modify.acls, spark.admin.acls and their .groups
    return SECURITY_PREFIXES.stream().anyMatch(key::startsWith) || key.contains(".acls");
  }

  /**
   * A file of settings and the name messages give it.
   *
   * @param secure whether it is secure mode's file, whose security settings the site may not change
   */
  record Layer(String name, Map<String, String> settings, boolean secure) {
    Layer(String name, Map<String, String> settings) {
      this(name, settings, false);
    }

    Layer asSecure() {
      return new Layer(name, settings, true);
    }
  }

  /**
   * What to set on top of the site's defaults.
   *
   * @param overrides the settings to pass over the site's, in the order the files give them
   * @param kept the security settings of the site that one of our files would have replaced
   */
  record Merged(Map<String, String> overrides, List<String> kept) {}

  /**
   * Lays {@code ours} over {@code site} (see the class comment for the rule).
   *
   * @throws SparkSettingException if the site sets a security setting of a secure layer of ours to
   *     another value, or turns authentication off where a layer of ours turns it on
   */
  static Merged over(Layer site, List<Layer> ours) {
    for (Layer layer : ours) {
      if (layer.secure()) {
        requireSecureKept(site, layer);
      }
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    List<String> kept = new ArrayList<>();
    for (Layer layer : ours) {
      for (Map.Entry<String, String> e : layer.settings().entrySet()) {
        String key = e.getKey();
        String siteValue = site.settings().get(key);
        if (siteValue == null) {
          overrides.put(key, e.getValue());
        } else if (isSecurity(key)) {
          if (!siteValue.equals(e.getValue()) && !kept.contains(key)) {
            kept.add(key);
          }
        } else if (JVM_OPTIONS.contains(key)) {
          overrides.put(key, e.getValue().contains(siteValue) ? e.getValue() : siteValue + " " + e.getValue());
        } else {
          overrides.put(key, e.getValue());
        }
      }
    }
    requireAuthenticationKept(site, ours);
    return new Merged(overrides, kept);
  }

  /**
   * Secure mode must not end up weaker than its file because the site's security settings win: a
   * site that turns authentication, RPC or disk encryption off, or the UI on (any value other than
   * {@code secure}'s for a security setting it makes) would leave a run that looks secure and is
   * not. Values are compared as Spark reads booleans, ignoring case.
   */
  private static void requireSecureKept(Layer site, Layer secure) {
    List<String> weakened = new ArrayList<>();
    secure.settings().forEach((key, required) -> {
      String siteValue = site.settings().get(key);
      if (isSecurity(key) && siteValue != null && !siteValue.equalsIgnoreCase(required)) {
        weakened.add(key + "=" + siteValue + " (--secure needs " + required + ")");
      }
    });
    if (!weakened.isEmpty()) {
      throw new SparkSettingException(site.name() + " sets " + String.join(", ", weakened) + ": a site's security"
          + " settings win over " + secure.name() + ", so the run would not be secure; change "
          + (weakened.size() == 1 ? "it" : "them") + " there, or leave out --secure");
    }
  }

  /**
   * A file of ours turning spark.authenticate on must not end up without it because the site
   * turned it off: that run would look authenticated and not be.
   */
  private static void requireAuthenticationKept(Layer site, List<Layer> ours) {
    String siteValue = site.settings().get(AUTHENTICATE);
    if (siteValue == null || "true".equalsIgnoreCase(siteValue)) {
      return;
    }
    for (Layer layer : ours) {
      if ("true".equalsIgnoreCase(layer.settings().get(AUTHENTICATE))) {
        throw new SparkSettingException(site.name() + " sets " + AUTHENTICATE + "=" + siteValue + ", and a site's security"
            + " setting wins over " + layer.name() + ": turn authentication on there, or leave it out of " + layer.name());
      }
    }
  }

  /**
   * The spark-defaults.conf spark-submit and Spark's daemons read when given no
   * --properties-file: in $SPARK_CONF_DIR, else in $SPARK_HOME/conf; absent if neither holds one.
   */
  static Optional<Path> siteDefaults(Map<String, String> env) {
    String confDir = env.get("SPARK_CONF_DIR");
    if (confDir == null || confDir.isEmpty()) {
      String home = env.get("SPARK_HOME");
      if (home == null || home.isEmpty()) {
        return Optional.empty();
      }
      confDir = Path.of(home, "conf").toString();
    }
    Path file = Path.of(confDir, DEFAULTS_FILE);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  /** Reads a properties file as Spark does: UTF-8, values trimmed. */
  static Layer load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new SparkSettingException(file + ": cannot read it as a Spark properties file (" + e.getMessage() + ")");
    }
    Map<String, String> settings = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k).trim()));
    return new Layer(file.toString(), settings);
  }

  /**
   * {@code confs CALLER FILE...}: prints, NUL-separated, the {@code --conf KEY=VALUE} options that
   * lay the files over the site's spark-defaults.conf, for spark-submit, which loads that file itself.
   *
   * <p>{@code daemon-file CALLER OUT FILE...}: writes to OUT (mode 600) the site's defaults with the
   * files laid over them and the cluster's secret from $MNIST_SPARK_SECRET_FILE, for a standalone
   * Master or Worker, which reads one properties file.
   *
   * <p>{@code --secure} before a FILE marks it as secure mode's file: a site setting that differs
   * from one of its security settings is refused ({@link #over}).
   *
   * <p>Exit 2 with one line on stderr, prefixed with CALLER, for bad input.
   */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String caller = args.length > 1 ? args[1] : SiteDefaultsMerge.class.getSimpleName();
    try {
      if (args.length >= 3 && args[0].equals("confs")) {
        writeConfs(merge(caller, env, Arrays.asList(args).subList(2, args.length), err).overrides(), out);
        return 0;
      }
      if (args.length >= 4 && args[0].equals("daemon-file")) {
        Path target = Path.of(args[2]);
        Map<String, String> all = new LinkedHashMap<>();
        siteDefaults(env).map(SiteDefaultsMerge::load).ifPresent(site -> all.putAll(site.settings()));
        all.putAll(merge(caller, env, Arrays.asList(args).subList(3, args.length), err).overrides());
        String secretFile = env.get(SparkSecret.ENV);
        if (secretFile != null && !secretFile.isEmpty()) {
          all.put(SECRET, SparkSecret.read(secretFile));
        } else if ("true".equalsIgnoreCase(all.get(AUTHENTICATE)) && !all.containsKey(SECRET)) {
          throw new SparkSettingException(SparkSecret.ENV + " is not set: a standalone cluster with " + AUTHENTICATE
              + " on needs one shared secret; create a file with: openssl rand -hex 32 > FILE; chmod 600 FILE");
        }
        writePrivate(target, all);
        return 0;
      }
      err.println(caller + ": usage: " + SiteDefaultsMerge.class.getName()
          + " confs CALLER [--secure] FILE... | daemon-file CALLER OUT [--secure] FILE...");
      return 2;
    } catch (SparkSettingException e) {
      err.println(caller + ": " + e.getMessage());
      return 2;
    } catch (UncheckedIOException e) {
      err.println(caller + ": " + e.getMessage() + " (" + e.getCause() + ")");
      return 1;
    }
  }

  private static Merged merge(String caller, Map<String, String> env, List<String> args, PrintStream err) {
    List<Layer> ours = new ArrayList<>();
    List<String> files = new ArrayList<>();
    boolean secure = false;
    for (String f : args) {
      if (f.equals("--secure") && !secure) {
        secure = true;
        continue;
      }
      Path p = Path.of(f);
      if (!Files.isRegularFile(p)) {
        throw new SparkSettingException(f + ": no such file");
      }
      ours.add(secure ? load(p).asSecure() : load(p));
      files.add(f);
      secure = false;
    }
    if (secure) {
      throw new SparkSettingException("--secure needs a file after it");
    }
    Optional<Path> siteFile = siteDefaults(env);
    Layer site = siteFile.map(SiteDefaultsMerge::load).orElse(new Layer("no site defaults", Map.of()));
    Merged merged = over(site, ours);
    if (siteFile.isPresent()) {
      err.println(caller + ": Spark settings: the site's " + site.name() + ", then " + String.join(", ", files)
          + ", then --spark-conf");
      for (String key : merged.kept()) {
        err.println(caller + ": kept the site's " + key + ": a file of ours sets it too, and the site's security settings win");
      }
    }
    return merged;
  }

  private static void writeConfs(Map<String, String> overrides, PrintStream out) {
    StringBuilder s = new StringBuilder();
    overrides.forEach((k, v) -> s.append("--conf\0").append(k).append('=').append(v).append('\0'));
    byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
    out.flush();
  }

  /** Writes {@code settings} as a properties file that only its owner can read, as it holds the secret. */
  private static void writePrivate(Path target, Map<String, String> settings) {
    Properties p = new Properties();
    p.putAll(settings);
    try {
      Files.deleteIfExists(target);
      Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
        p.store(w, "written by " + SiteDefaultsMerge.class.getName() + ": holds the cluster's secret, keep it private");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(target + ": cannot write it", e);
    }
  }
}
