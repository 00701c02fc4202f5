package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.chaos.TmpfsDisk;
import org.mnistspark.lock.AtomicFiles;
import org.mnistspark.output.OutputFolder;

/**
 * What a full disk leaves, on a real one: a 1 MB tmpfs (mounting it needs root; skipped otherwise).
 * The chaos run's disk-full fault found both: a checkpoint that did not fit ended the run with
 * Hadoop's FSError and left its temporary folder; a lock file that did not fit left its temporary.
 */
class FullDiskTest {
  @TempDir Path tmp;

  @BeforeEach
  void needsRoot() {
    assumeTrue(TmpfsDisk.mountable(), "mounting a tmpfs needs root");
  }

  @Test
  void anOutputThatDoesNotFitFailsAsAnIOExceptionKeepsTheEarlierOneAndLeavesNoTemporary() throws Exception {
    try (TmpfsDisk disk = TmpfsDisk.mount(tmp.resolve("disk"), 1)) {
      Path out = disk.path().resolve("out");
      OutputFolder folder = OutputFolder.open("--out", out.toString(), "train", new Configuration());
      folder.replace(staging -> staging.write("model.zip", "the earlier model".getBytes(StandardCharsets.UTF_8)));

      byte[] twoMegabytes = new byte[2 << 20];
      assertThatThrownBy(() -> folder.replace(staging -> staging.write("model.zip", twoMegabytes)))
          .isInstanceOf(IOException.class)
          .hasMessage(folder.path() + ": could not write the outputs (No space left on device); nothing was changed");

      assertThat(names(disk.path())).containsExactly("out");
      assertThat(names(out)).containsExactly("manifest.json", "model.zip");
      assertThat(Files.readString(out.resolve("model.zip"))).isEqualTo("the earlier model");
    }
  }

  @Test
  void aLockFileThatDoesNotFitLeavesNoTemporary() throws Exception {
    try (TmpfsDisk disk = TmpfsDisk.mount(tmp.resolve("disk"), 1)) {
      disk.fill(0);
      Configuration conf = new Configuration();
      AtomicFiles files = new AtomicFiles(conf, FileSystem.getLocal(conf).getRawFileSystem());
      org.apache.hadoop.fs.Path lock = new org.apache.hadoop.fs.Path(disk.path().resolve("out.lock").toUri());
      String holder = "x".repeat(10_000);

      assertThatThrownBy(() -> files.createExclusively(lock, holder)).isInstanceOf(IOException.class)
          .hasMessageContaining("No space left on device");
      assertThatThrownBy(() -> files.replace(lock, holder)).isInstanceOf(IOException.class)
          .hasMessageContaining("No space left on device");
      assertThat(names(disk.path())).containsExactly("filler");
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
