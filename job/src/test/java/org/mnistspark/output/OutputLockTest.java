package org.mnistspark.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.ChildJvm;
import org.mnistspark.MiniHdfs;
import org.mnistspark.cli.CliRun;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.ProcessIdentity;

/** One run per output location: a second JVM holds OUT.lock while this one tries the same --out. */
class OutputLockTest {
  @TempDir Path tmp;
  private Process holder;

  @AfterEach
  void stopHolder() throws Exception {
    if (holder != null && holder.isAlive()) {
      ChildJvm.kill(holder);
    }
  }

  /** Starts another JVM that takes the lock of {@code out} and holds it until its input closes. */
  private void holdInAnotherJvm(String out) throws Exception {
    Path log = tmp.resolve("holder.log");
    List<String> cmd = ChildJvm.java(List.of(), OutputLockHolder.class.getName());
    cmd.add(out);
    holder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ChildJvm.waitForLine(holder, log, OutputLockHolder.HOLDING, 120);
  }

  private void releaseInTheOtherJvm() throws Exception {
    holder.getOutputStream().close();
    assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(holder.exitValue()).isZero();
  }

  /** The line a run on {@code out} is refused with while the other JVM holds it, since the time its lock names. */
  private String refusal(String qualifiedOut, InputStream lockFile) throws Exception {
    LeaseLock.Holder h = new ObjectMapper().readValue(lockFile, LeaseLock.Holder.class);
    assertThat(h.process().pid()).isEqualTo(holder.pid());
    return "mnist-job: Invalid value '" + qualifiedOut + "' for option '--out': is in use by another train run (process "
        + holder.pid() + " on " + ProcessIdentity.SELF.host() + ", since " + h.started() + "); try again when it has "
        + "finished, or wait for it with --out-lock-wait SECONDS" + System.lineSeparator();
  }

  private static CliRun train(String out, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--master", "local[2]", "--data",
        "/data/that/is/never/read", "--out", out, "--train-limit", "500", "--epochs", "1"));
    args.addAll(List.of(more));
    return CliRun.execute(args);
  }

  @Test
  void aSecondRunOnTheSameOutIsRefusedNamingTheHolderUntilItHasFinished() throws Exception {
    Path out = tmp.resolve("out");
    holdInAnotherJvm(out.toString());
    Path lockFile = tmp.resolve("out" + OutputLock.SUFFIX);

    CliRun run = train(out.toString());

    assertThat(run.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(run.err()).isEqualTo(refusal("file:" + out, Files.newInputStream(lockFile)));
    assertThat(lockFile).exists();
    CliRun waited = train(out.toString(), "--out-lock-wait", "1");
    assertThat(waited.err()).contains("; waited 1 s); try again when it has finished");

    releaseInTheOtherJvm();
    assertThat(lockFile).doesNotExist();
    // free again: the next run gets as far as the data
    assertThat(train(out.toString()).err()).contains("/data/that/is/never/read");
    assertThat(lockFile).doesNotExist();
  }

  @Test
  void aRunGivenOutLockWaitGetsTheLockWhenTheOtherFinishes() throws Exception {
    Path out = tmp.resolve("out");
    holdInAnotherJvm(out.toString());
    OutputFolder folder = OutputFolder.open("--out", out.toString(), "train", new Configuration());

    CompletableFuture<OutputLock> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return OutputLock.acquire(folder, Duration.ofMinutes(2));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    releaseInTheOtherJvm();

    try (OutputLock lock = waiting.get(2, TimeUnit.MINUTES)) {
      assertThat(lock.takenOver()).isEmpty();
      assertThatThrownBy(() -> OutputLock.acquire(folder, Duration.ZERO)).isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("is in use by another train run (process " + ProcessHandle.current().pid() + " on ");
    }
    assertThat(tmp.resolve("out" + OutputLock.SUFFIX)).doesNotExist();
  }

  @Test
  void theLockOfARunThatDiedIsTakenOverAtOnce() throws Exception {
    Path out = tmp.resolve("out");
    holdInAnotherJvm(out.toString());
    ChildJvm.kill(holder);

    OutputFolder folder = OutputFolder.open("--out", out.toString(), "train", new Configuration());
    try (OutputLock lock = OutputLock.acquire(folder, Duration.ZERO)) {
      assertThat(lock.takenOver().orElseThrow().holder().process().pid()).isEqualTo(holder.pid());
    }
  }

  @Test
  void aSecondRunOnTheSameHdfsOutIsRefusedNamingTheHolder() throws Exception {
    try (MiniHdfs hdfs = MiniHdfs.start(tmp.resolve("hdfs"))) {
      String out = hdfs.uri() + "/out";
      holdInAnotherJvm(out);
      org.apache.hadoop.fs.Path lockFile = new org.apache.hadoop.fs.Path(out + OutputLock.SUFFIX);

      CliRun run = train(out);

      assertThat(run.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
      assertThat(run.err()).isEqualTo(refusal(out, hdfs.fs().open(lockFile)));

      releaseInTheOtherJvm();
      assertThat(hdfs.fs().exists(lockFile)).isFalse();
    }
  }
}
