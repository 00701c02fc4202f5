package org.mnistspark.chaos;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.mnistspark.SubmitScripts;
import org.mnistspark.chaos.FaultPlan.Step;
import org.mnistspark.data.RealMnist;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The chaos run (submit/chaos.sh): train and retrain runs on a standalone cluster with their data,
 * outputs and retraining root in HDFS, each given a fault drawn from a seed, each followed by the
 * checks of {@link OutputChecks}. Prints a table row per run and the totals; writes chaos.md and
 * chaos.json to the work folder. Exit code 0 when nothing was lost or corrupt and every run
 * survived, 1 otherwise.
 */
@Command(name = "chaos.sh", mixinStandardHelpOptions = true,
    description = "Train and retrain on a standalone cluster with HDFS, inject a random fault into each run, check "
        + "that no output is lost or corrupt.")
public final class ChaosRun implements Callable<Integer> {
  /** Every run's size: 1600 training images in 5 averaging rounds per epoch, 2 epochs (so one checkpoint before the last). */
  static final List<String> TRAINING = List.of("--train-limit", "2000", "--epochs", "2", "--batch-size-per-worker", "16",
      "--averaging-frequency", "10", "--validations-per-epoch", "1");

  @Option(names = "--seed", description = "Seed that draws the faults; default: a random one, printed first.")
  Long seed;

  @Option(names = "--runs", defaultValue = "10", description = "Runs, one fault each (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--faults", split = ",", description = "Kinds of fault to draw from (default all): "
      + "executor, worker, master, driver, datanode, disk-full, corrupt-checkpoint, two-runs.")
  List<String> faults;

  @Option(names = "--work", defaultValue = "job/target/chaos",
      description = "Folder for HDFS, the cluster, logs and chaos.md/chaos.json; emptied first (default ${DEFAULT-VALUE}).")
  Path work;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ChaosRun()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long drawn = seed != null ? seed : new SecureRandom().nextInt(1_000_000);
    List<Fault> allowed = faults == null ? Arrays.asList(Fault.values()) : faults.stream().map(Fault::of).toList();
    List<Step> plan = FaultPlan.draw(drawn, runs, allowed);
    String command = "submit/chaos.sh --seed " + drawn + " --runs " + runs
        + (faults == null ? "" : " --faults " + String.join(",", faults));
    System.out.println("chaos run, seed " + drawn + " (repeat it with: " + command + ")");
    plan.forEach(s -> System.out.println("  " + s.number() + ". " + (s.retrain() ? "retrain" : "train") + ": "
        + s.fault().description + " (" + s.when() + ")"));

    Path dir = work.toAbsolutePath().normalize();
    prepare(dir);
    // HDFS in this JVM warns about its test setup at length; the runs' own logs are in logs/
    Configurator.setLevel("org.apache.hadoop", Level.ERROR);
    String started = Instant.now().toString();
    String loadAtStart = load();
    SubmitScripts scripts = new SubmitScripts(dir.resolve("standalone"), dir.resolve("scripts"))
        .env("LOG4J_CONF", roundsLogged(dir).toString());
    FaultRunner runner;
    try (ChaosHdfs hdfs = ChaosHdfs.start(dir.resolve("hdfs"));
        ChaosCluster cluster = new ChaosCluster(scripts, dir.resolve("standalone"))) {
      hdfs.put(new File(RealMnist.dir()), "/datasets/mnist");
      hdfs.fs().mkdirs(new org.apache.hadoop.fs.Path(FaultRunner.HOME));
      cluster.restart();
      System.out.println("HDFS " + hdfs.uri() + ", cluster " + cluster.master() + "; logs in " + dir.resolve("logs"));
      runner = new FaultRunner(scripts, cluster, hdfs, dir, hdfs.uri() + "/datasets/mnist");
      for (Step step : plan) {
        runner.run(step);
        // the table so far, for a person watching a long run (or one that was cut short)
        new ChaosReport(drawn, command, machine(), started, "(running)", loadAtStart, load(), runner.rows()).write(dir);
      }
    }
    ChaosReport report = new ChaosReport(drawn, command, machine(), started, Instant.now().toString(), loadAtStart,
        load(), runner.rows());
    report.write(dir);
    System.out.println();
    System.out.println(report.markdown());
    return report.passed() ? 0 : 1;
  }

  /** Empties the work folder, first unmounting a disk an interrupted chaos run may have left mounted there. */
  private static void prepare(Path dir) throws IOException, InterruptedException {
    Path disk = dir.resolve("disk");
    if (Files.exists(disk)) {
      new ProcessBuilder("umount", "-l", disk.toString()).redirectErrorStream(true).start().waitFor();
    }
    SubmitScripts.deleteRecursively(dir);
    Files.createDirectories(dir.resolve("logs"));
  }

  /** The job's log configuration with each averaging round logged, so a fault can strike in a chosen one. */
  private static Path roundsLogged(Path dir) throws IOException {
    Path conf = dir.resolve("log4j2.properties");
    Files.writeString(conf, Files.readString(SubmitScripts.ROOT.resolve("conf/log4j2.properties"))
        + "logger.rounds.name = org.mnistspark.train.ResidentAveragingTrainer\nlogger.rounds.level = debug\n");
    return conf;
  }

  private static String machine() throws IOException {
    long memory = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize();
    return InetAddress.getLocalHost().getHostName() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
        + (memory >> 30) + " GB, Java " + System.getProperty("java.version");
  }

  private static String load() {
    try {
      return String.join(" ", Arrays.copyOf(Files.readString(Paths.get("/proc/loadavg")).split(" "), 3));
    } catch (IOException e) {
      return "unknown";
    }
  }
}
