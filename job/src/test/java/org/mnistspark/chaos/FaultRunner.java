package org.mnistspark.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.mnistspark.SubmitScripts;
import org.mnistspark.chaos.FaultPlan.Step;
import org.mnistspark.chaos.OutputChecks.Check;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.retrain.RetrainRoot;

/**
 * Runs each step of the plan on the cluster: submits the run, injects its fault at the drawn
 * moment, follows the README's recovery (--resume after a run that stopped with checkpoints), and
 * checks what is left. Every run trains with {@link ChaosRun#TRAINING} on MNIST in HDFS.
 */
final class FaultRunner {
  /** Every promoted model must reach this test accuracy (the gate's floor). */
  static final double FLOOR = 0.9;
  /** The HDFS folder of the outputs and the retraining root. */
  static final String HOME = "/chaos";
  /** The size of the disk-full fault's disk, in MB: room for two checkpoints and an output until it fills. */
  private static final int DISK_MEGABYTES = 64;

  private final SubmitScripts scripts;
  private final ChaosCluster cluster;
  private final ChaosHdfs hdfs;
  private final OutputChecks checks;
  private final Path work;
  private final String data;
  private final String shared;
  private final String reference;
  private final String root;
  private final List<Row> rows = new ArrayList<>();
  private boolean referenceRan;

  FaultRunner(SubmitScripts scripts, ChaosCluster cluster, ChaosHdfs hdfs, Path work, String data) {
    this.scripts = scripts;
    this.cluster = cluster;
    this.hdfs = hdfs;
    this.checks = new OutputChecks(hdfs.conf());
    this.work = work;
    this.data = data;
    this.shared = hdfs.uri() + HOME + "/out";
    this.reference = hdfs.uri() + HOME + "/reference";
    this.root = hdfs.uri() + HOME + "/root";
  }

  /** The rows so far: the reference run's (when one was needed) and each step's. */
  List<Row> rows() {
    return rows;
  }

  void run(Step step) throws Exception {
    heal();
    if (step.fault() == Fault.DRIVER || step.fault() == Fault.CORRUPT_CHECKPOINT) {
      reference(); // before the step, so that its time is not the step's
    }
    long start = System.nanoTime();
    Row row = step.retrain() ? retrain(step, start) : train(step, start);
    rows.add(row);
    System.out.println(row.markdown());
  }

  private Row train(Step step, long start) throws Exception {
    try (TmpfsDisk disk = step.fault() == Fault.DISK_FULL ? TmpfsDisk.mount(work.resolve("disk"), DISK_MEGABYTES) : null) {
      String out = disk == null ? shared : disk.path().resolve("out").toString();
      Optional<byte[]> before = checks.manifest(out);
      List<Integer> exits = new ArrayList<>();
      String injected;
      Check concurrency = null;
      if (step.fault() == Fault.TWO_RUNS) {
        Submission first = submit(step, "a", trainArgs(out, false));
        Thread.sleep(step.delayMillis());
        Submission second = submit(step, "b", trainArgs(out, false));
        exits.add(first.exitCode());
        exits.add(second.exitCode());
        concurrency = oneRefused(exits, List.of(first, second), 0, 2, "is in use by another train run");
        injected = "two runs on one --out: " + concurrency.text();
      } else {
        Submission run = submit(step, "", trainArgs(out, false));
        injected = inject(step, run, out, disk);
        exits.add(run.exitCode());
      }
      Check afterFault = checks.output(out, before);
      Check resumed = null;
      Check output = afterFault;
      // the README's recovery: a run that stopped with checkpoints is continued with --resume
      if (exits.stream().anyMatch(code -> code != 0 && code != 2) && hasCheckpoints(out)) {
        if (disk != null) {
          disk.free();
        }
        heal();
        Submission resume = submit(step, "resume", trainArgs(out, true));
        exits.add(resume.exitCode());
        Check afterResume = checks.output(out, before);
        output = new Check(afterFault.text() + "; resumed: " + afterResume.text(), afterFault.ok() && afterResume.ok());
        resumed = afterResume.ok() ? checks.sameModel(out, reference()) : afterResume;
        if (step.fault() == Fault.CORRUPT_CHECKPOINT) {
          injected += (resume.log().contains("passing over checkpoint") ? "; passed over" : "; NOT passed over")
              + removeKeptCheckpoints(out);
        }
      }
      if (concurrency != null && !concurrency.ok()) {
        output = Check.fail(output.text() + "; " + concurrency.text());
      }
      Check leftovers = leftovers(disk);
      return row(step, start, injected, exits, output, resumed, leftovers);
    }
  }

  private Row retrain(Step step, long start) throws Exception {
    Set<String> before = runs();
    List<Integer> exits = new ArrayList<>();
    String injected;
    Check concurrency = null;
    if (step.fault() == Fault.TWO_RUNS) {
      Submission first = submit(step, "a", retrainArgs(step));
      Thread.sleep(step.delayMillis());
      Submission second = submit(step, "b", retrainArgs(step));
      exits.add(first.exitCode());
      exits.add(second.exitCode());
      concurrency = oneRefused(exits, List.of(first, second), -1, 4, "mnist-job: ");
      injected = "two retrains on one root: " + concurrency.text();
    } else {
      Submission run = submit(step, "", retrainArgs(step));
      injected = inject(step, run, null, null);
      exits.add(run.exitCode());
    }
    List<Check> candidates = new ArrayList<>();
    for (String run : runs()) {
      if (!before.contains(run)) {
        candidates.add(checks.output(root + "/" + RetrainRoot.RUNS + "/" + run, Optional.empty()));
      }
    }
    if (concurrency != null) {
      candidates.add(concurrency);
    }
    Check output = candidates.isEmpty() ? Check.pass("no candidate saved")
        : new Check("candidate: " + candidates.stream().map(Check::text).collect(Collectors.joining("; ")),
            candidates.stream().allMatch(Check::ok));
    return row(step, start, injected, exits, output, null, leftovers(null));
  }

  /** Waits for the step's moment and injects its fault; says what was done, or that the run ended first. */
  private String inject(Step step, Submission run, String out, TmpfsDisk disk) throws Exception {
    String round = "epoch " + step.epoch() + "/2, averaging round " + step.round() + "/";
    switch (step.fault()) {
      case DRIVER -> {
        if (!run.awaitLog("checkpoint after epoch 1/2")) {
          return missed("the epoch-1 checkpoint");
        }
        Thread.sleep(step.delayMillis());
        run.kill();
        return "driver killed";
      }
      case CORRUPT_CHECKPOINT -> {
        org.apache.hadoop.fs.Path last = new org.apache.hadoop.fs.Path(Checkpoints.locationBeside(out), "epoch-0002");
        FileSystem fs = last.getFileSystem(hdfs.conf());
        if (!run.await(() -> exists(fs, last))) {
          return missed("the epoch-2 checkpoint");
        }
        run.kill();
        return "driver killed; " + flipByte(fs, new org.apache.hadoop.fs.Path(last, "model-state.bin"), step.seed());
      }
      default -> {
        if (!run.awaitLog(round)) {
          return missed(round.replace("/2, averaging", ""));
        }
        return strike(step, disk);
      }
    }
  }

  /** Kills what the step names, or fills the disk, now. */
  private String strike(Step step, TmpfsDisk disk) throws Exception {
    switch (step.fault()) {
      case EXECUTOR -> {
        Optional<Long> executor = cluster.executorOf(step.victim()).or(() -> executorOf(3 - step.victim()));
        if (executor.isEmpty()) {
          return missed("an executor running");
        }
        ChaosCluster.kill(List.of(executor.get()));
        return "executor pid " + executor.get() + " killed";
      }
      case WORKER -> {
        List<Long> pids = new ArrayList<>(List.of(cluster.workerPid(step.victim())));
        executorOf(step.victim()).ifPresent(pids::add);
        ChaosCluster.kill(pids);
        return "worker " + step.victim() + " killed with its executor";
      }
      case MASTER -> {
        ChaosCluster.kill(List.of(cluster.masterPid()));
        return "master killed";
      }
      case DATANODE -> {
        hdfs.killSecond();
        return "DataNode 2 killed";
      }
      case DISK_FULL -> {
        disk.fill(step.leaveMegabytes());
        return "disk filled";
      }
      default -> throw new IllegalStateException("not a mid-training fault: " + step.fault());
    }
  }

  /** Makes the cluster and HDFS whole again after a fault, as their operators would. */
  private void heal() throws Exception {
    hdfs.ensureSecond();
    if (!cluster.healthy()) {
      cluster.restart();
    }
  }

  private Optional<Long> executorOf(int worker) {
    try {
      return cluster.executorOf(worker);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String missed(String what) {
    return "MISSED: the run ended before " + what;
  }

  /** Flips one byte of {@code file} (rewritten whole: HDFS files cannot be changed in place), drawn from {@code seed}. */
  private static String flipByte(FileSystem fs, org.apache.hadoop.fs.Path file, long seed) throws IOException {
    byte[] bytes;
    try (InputStream in = fs.open(file)) {
      bytes = in.readAllBytes();
    }
    int at = new Random(seed).nextInt(bytes.length);
    bytes[at] ^= (byte) 0xff;
    try (OutputStream out = fs.create(file, true)) {
      out.write(bytes);
    }
    return "byte " + at + " of epoch-0002/model-state.bin flipped";
  }

  /**
   * Two runs started together: exactly one must be refused with {@code refusedCode} and a line
   * containing {@code says}; the other ends as the run would alone ({@code winnerCode}, or any
   * code but the refusal's when negative).
   */
  private static Check oneRefused(List<Integer> exits, List<Submission> runs, int winnerCode, int refusedCode, String says) {
    for (int i = 0; i < 2; i++) {
      int other = exits.get(1 - i);
      if (exits.get(i) == refusedCode && runs.get(i).log().contains(says)
          && (winnerCode < 0 ? other != refusedCode : other == winnerCode)) {
        return Check.pass(runs.get(i).name() + " refused");
      }
    }
    return Check.fail("NOT ONE REFUSED (exit codes " + exits + ")");
  }

  /** The uninterrupted run every resumed one must equal: run once, on first need, with no fault. */
  private String reference() throws Exception {
    if (!referenceRan) {
      long start = System.nanoTime();
      Submission run = Submission.start(scripts, work.resolve("logs"), "00-reference", cluster.master(),
          trainArgs(reference, false));
      int exit = run.exitCode();
      referenceRan = true;
      rows.add(new Row(0, "none", "train", "-", "reference run", false, String.valueOf(exit),
          checks.output(reference, Optional.empty()), null, null, null, seconds(start)));
      if (exit != 0) {
        throw new IOException("the reference run failed (exit " + exit + "); see " + work.resolve("logs"));
      }
    }
    return reference;
  }

  private Submission submit(Step step, String suffix, List<String> args) throws IOException {
    String name = String.format("%02d-%s%s", step.number(), step.fault().id, suffix.isEmpty() ? "" : "-" + suffix);
    return Submission.start(scripts, work.resolve("logs"), name, cluster.master(), args);
  }

  private List<String> trainArgs(String out, boolean resume) {
    List<String> args = new ArrayList<>(List.of("--data", data, "--out", out));
    args.addAll(ChaosRun.TRAINING);
    if (resume) {
      args.add("--resume");
    }
    return args;
  }

  private List<String> retrainArgs(Step step) {
    List<String> args = new ArrayList<>(List.of("retrain", "--root", root, "--data", data, "--seed",
        String.valueOf(step.seed()), "--floor", String.valueOf(FLOOR), "--tolerance", "0.002"));
    args.addAll(ChaosRun.TRAINING);
    return args;
  }

  private Row row(Step step, long start, String injected, List<Integer> exits, Check output, Check resumed,
      Check leftovers) {
    return new Row(step.number(), step.fault().id, step.retrain() ? "retrain" : "train", step.when(), injected,
        !injected.startsWith("MISSED"), exits.stream().map(String::valueOf).collect(Collectors.joining(", ")), output,
        checks.production(root, FLOOR), resumed, leftovers, seconds(start));
  }

  private Check leftovers(TmpfsDisk disk) {
    List<Check> all = new ArrayList<>(List.of(checks.leftovers(hdfs.uri() + HOME, false)));
    if (disk != null) {
      all.add(checks.leftovers(disk.path().toString(), true));
    }
    String said = all.stream().map(Check::text).filter(t -> !t.equals("none")).collect(Collectors.joining(", "));
    return new Check(said.isEmpty() ? "none" : said, all.stream().allMatch(Check::ok));
  }

  private Set<String> runs() throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(root, RetrainRoot.RUNS);
    if (!hdfs.fs().exists(dir)) {
      return Set.of();
    }
    return Stream.of(hdfs.fs().listStatus(dir)).filter(FileStatus::isDirectory).map(s -> s.getPath().getName())
        .filter(n -> !n.startsWith(".") && !n.endsWith(Checkpoints.SUFFIX)).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Deletes the checkpoints left beside {@code out} after its resumed run saved, as an operator
   * would: the job never deletes a checkpoint that no longer matches its manifest (it cannot tell
   * it from someone else's), so the corrupted one stays. Says what was there.
   */
  private String removeKeptCheckpoints(String out) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(Checkpoints.locationBeside(out));
    FileSystem fs = dir.getFileSystem(hdfs.conf());
    if (!fs.exists(dir)) {
      return "";
    }
    String kept = Stream.of(fs.listStatus(dir)).map(s -> s.getPath().getName()).sorted()
        .collect(Collectors.joining(", "));
    fs.delete(dir, true);
    return "; kept after the save: " + kept + " (deleted by hand)";
  }

  private boolean hasCheckpoints(String out) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(Checkpoints.locationBeside(out));
    FileSystem fs = dir.getFileSystem(hdfs.conf());
    return fs.exists(dir) && Stream.of(fs.listStatus(dir)).anyMatch(s -> s.getPath().getName().startsWith("epoch-"));
  }

  private static boolean exists(FileSystem fs, org.apache.hadoop.fs.Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      return false;
    }
  }

  static long seconds(long start) {
    return Math.round((System.nanoTime() - start) / 1e9);
  }
}
