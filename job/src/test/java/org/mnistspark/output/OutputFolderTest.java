package org.mnistspark.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.MiniHdfs;
import org.mnistspark.cli.CliRun;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.data.RealMnist;

class OutputFolderTest {
  static final String MNIST = RealMnist.DIR;

  @TempDir Path tmp;

  @AfterEach
  void noMoreFaults() {
    RenameFailingLocalFileSystem.reset();
  }

  private static OutputFolder open(Path dir, Configuration conf) {
    return OutputFolder.open("--out", dir.toString(), "train", conf);
  }

  private static OutputFolder.Contents files(String... nameContentPairs) {
    return staging -> {
      for (int i = 0; i < nameContentPairs.length; i += 2) {
        staging.write(nameContentPairs[i], nameContentPairs[i + 1].getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static CliRun train(String out) {
    return CliRun.execute("train", "--master", "local[2]", "--data", MNIST, "--out", out, "--train-limit", "500",
        "--epochs", "1");
  }

  @Test
  void aFolderWithSomeoneElsesFileIsRefusedBeforeSparkStartsAndSurvives() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(work.resolve("notes.txt"), "three months of notes");

    CliRun run = train(work.toString());

    assertThat(run.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(run.err()).isEqualTo("mnist-job: Invalid value 'file:" + work + "' for option '--out': holds files "
        + "this job did not write (no manifest.json); move them away or choose another --out" + System.lineSeparator());
    run.assertSparkNotStarted();
    assertThat(names(tmp)).containsExactly("work");
    assertThat(names(work)).containsExactly("notes.txt");
    assertThat(work.resolve("notes.txt")).hasContent("three months of notes");
  }

  @Test
  void aPlainFileIsRefusedAndSurvives() throws Exception {
    Path file = Files.writeString(tmp.resolve("results"), "keep me");
    CliRun run = train(file.toString());
    assertThat(run.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(run.err()).contains("for option '--out': is a file; this job writes a folder there and never replaces "
        + "what it did not write");
    run.assertSparkNotStarted();
    assertThat(file).hasContent("keep me");
    assertThat(names(tmp)).containsExactly("results");
  }

  @Test
  void unusablePathsAreRefusedBeforeSparkStarts() {
    CliRun scheme = train("nosuchfs://host/out");
    assertThat(scheme.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(scheme.err()).startsWith("mnist-job: Invalid value 'nosuchfs://host/out' for option '--out': is not a "
        + "usable path (No FileSystem for scheme \"nosuchfs\")");

    CliRun parent = train(tmp.resolve("missing").resolve("out").toString());
    assertThat(parent.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(parent.err()).contains("cannot be created: its parent folder file:" + tmp.resolve("missing")
        + " does not exist");
    scheme.assertSparkNotStarted();
    parent.assertSparkNotStarted();
  }

  /** A file of {@code bytes} bytes that takes no disk space. */
  static void sparse(Path file, long bytes) throws IOException {
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(bytes);
    }
  }

  /** A manifest larger than any this job writes is refused, naming it, before a byte of it is read. */
  @Test
  void aManifestLargerThanAnyThisJobWritesIsRefusedUnread() throws Exception {
    Path out = tmp.resolve("run");
    Configuration conf = new Configuration();
    open(out, conf).replace(files("a.txt", "first"));
    sparse(out.resolve(OutputFolder.MANIFEST), OutputFolder.MAX_MANIFEST_BYTES + 1);
    String refusal = "file:" + out.resolve(OutputFolder.MANIFEST) + " is 4194305 bytes, more than the 4194304 bytes "
        + "of any manifest.json this job writes; refusing to read it";
    assertThatThrownBy(() -> open(out, conf)).isExactlyInstanceOf(InvalidOptionException.class)
        .hasMessage("Invalid value 'file:" + out + "' for option '--out': cannot be checked (" + refusal + ")");
    assertThatThrownBy(() -> OutputFolder.at("--out", out.toString(), "train", conf).readVerified("a.txt"))
        .isExactlyInstanceOf(OutputFolder.NotAsWrittenException.class).hasMessage(refusal);
    assertThat(MnistJob.isBadInput(new OutputFolder.NotAsWrittenException("x"))).as("exit 2").isTrue();
  }

  /** A file larger than any this job reads back (a model.zip of more than 256 MiB) is refused unread. */
  @Test
  void aFileLargerThanAnyThisJobReadsBackIsRefusedUnread() throws Exception {
    Path out = tmp.resolve("run");
    Configuration conf = new Configuration();
    open(out, conf).replace(files("model.zip", "small"));
    sparse(out.resolve("model.zip"), OutputFolder.MAX_VERIFIED_BYTES + 1);
    assertThatThrownBy(() -> OutputFolder.at("--out", out.toString(), "train", conf).readVerified("model.zip"))
        .isExactlyInstanceOf(OutputFolder.NotAsWrittenException.class)
        .hasMessage("file:" + out.resolve("model.zip") + " is 268435457 bytes, more than the 268435456 bytes of any "
            + "model.zip this job writes; refusing to read it");
  }

  @Test
  void anEarlierOutputIsReplacedWholeAndAnEditedOneIsRefused() throws Exception {
    Path out = tmp.resolve("run");
    Configuration conf = new Configuration();
    open(out, conf).replace(files("a.txt", "first", "b.txt", "first"));
    open(out, conf).replace(files("a.txt", "second"));
    assertThat(names(out)).containsExactly("a.txt", OutputFolder.MANIFEST);
    assertThat(out.resolve("a.txt")).hasContent("second");
    assertThat(names(tmp)).containsExactly("run");

    Files.writeString(out.resolve("a.txt"), "edited by hand");
    assertThatThrownBy(() -> open(out, conf)).isInstanceOf(InvalidOptionException.class)
        .hasMessageEndingWith("'--out': a.txt was changed since this job wrote it; move the folder away or choose "
            + "another --out");
    Files.writeString(out.resolve("a.txt"), "second");
    Files.writeString(out.resolve("mine.txt"), "added by hand");
    assertThatThrownBy(() -> open(out, conf)).hasMessageContaining("mine.txt was added since this job wrote it");
    Files.delete(out.resolve("mine.txt"));
    Files.delete(out.resolve("a.txt"));
    assertThatThrownBy(() -> open(out, conf)).hasMessageContaining("a.txt went missing since this job wrote it");

    OutputFolder study = OutputFolder.at("--out", tmp.resolve("run").toString(), "study", conf);
    assertThatThrownBy(study::checkUsable).hasMessageContaining("holds a 'train' output, not a 'study' one");
  }

  @Test
  void aFailedSwapPutsThePreviousOutputBackAndSaysWhereTheNewOneIs() throws Exception {
    Path out = tmp.resolve("run");
    Configuration conf = RenameFailingLocalFileSystem.configuration();
    open(out, conf).replace(files("a.txt", "previous"));

    // the second rename (new outputs into place) fails; the previous outputs are moved back
    RenameFailingLocalFileSystem.failFrom = ".run.tmp-";
    assertThatThrownBy(() -> open(out, conf).replace(files("a.txt", "new")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(out + ": could not put the new outputs in place (")
        .hasMessageContaining("the previous outputs are back in place and the new ones are in file:" + tmp + "/.run.tmp-");
    assertThat(out.resolve("a.txt")).hasContent("previous");
    assertThat(open(out, conf).readVerified("a.txt")).asString(StandardCharsets.UTF_8).isEqualTo("previous");

    // and if moving them back fails too, the message names where both are
    RenameFailingLocalFileSystem.alsoFailFrom = ".run.old-";
    assertThatThrownBy(() -> open(out, conf).replace(files("a.txt", "newer")))
        .hasMessageContaining("nor move the previous ones back (")
        .hasMessageContaining("the previous outputs are in file:" + tmp + "/.run.old-")
        .hasMessageContaining(", the new ones in file:" + tmp + "/.run.tmp-");
    String old = names(tmp).stream().filter(n -> n.startsWith(".run.old-")).findFirst().orElseThrow();
    assertThat(tmp.resolve(old).resolve("a.txt")).hasContent("previous");
  }

  @Test
  void aFailedWriteLeavesTheEarlierOutputAndNoTemporaryFolder() throws Exception {
    Path out = tmp.resolve("run");
    Configuration conf = new Configuration();
    open(out, conf).replace(files("a.txt", "previous"));
    assertThatThrownBy(() -> open(out, conf).replace(staging -> {
      staging.write("a.txt", "half".getBytes(StandardCharsets.UTF_8));
      throw new IOException("disk full");
    })).hasMessage("file:" + out + ": could not write the outputs (disk full); nothing was changed");
    assertThat(out.resolve("a.txt")).hasContent("previous");
    assertThat(names(tmp)).containsExactly("run");
  }

  @Test
  void updatesKeepTheFolderRecognisedAtEveryStep() throws Exception {
    Path out = tmp.resolve("study");
    Configuration conf = new Configuration();
    OutputFolder folder = OutputFolder.open("--out", out.toString(), "study", conf);
    folder.update("results.json", "{\"runs\":[1]}".getBytes(StandardCharsets.UTF_8));
    folder.update("results.json", "{\"runs\":[1,2]}".getBytes(StandardCharsets.UTF_8));
    folder.update("report.md", "# report".getBytes(StandardCharsets.UTF_8));
    assertThat(names(out)).containsExactly(OutputFolder.MANIFEST, "report.md", "results.json");
    assertThat(OutputFolder.open("--out", out.toString(), "study", conf).readVerified("results.json"))
        .asString(StandardCharsets.UTF_8).isEqualTo("{\"runs\":[1,2]}");

    // killed after the manifest accepted the new content but before the rename: still ours, still the old content
    RenameFailingLocalFileSystem.reset();
    Path manifest = out.resolve(OutputFolder.MANIFEST);
    String before = Files.readString(manifest);
    String pending = before.replace("\"files\" : [", "\"files\" : [ {\n    \"name\" : \"results.json\",\n    \"size\" : 3,\n"
        + "    \"sha256\" : \"" + org.apache.commons.codec.digest.DigestUtils.sha256Hex("new") + "\"\n  },");
    Files.writeString(manifest, pending);
    assertThat(OutputFolder.open("--out", out.toString(), "study", conf).read("results.json")).isPresent();
    Files.writeString(out.resolve("results.json"), "new");
    assertThat(OutputFolder.open("--out", out.toString(), "study", conf).readVerified("results.json"))
        .asString(StandardCharsets.UTF_8).isEqualTo("new");
  }

  @Test
  void aNameThatMerelyLooksLikeATemporaryIsNotTakenForOne() throws Exception {
    Path out = tmp.resolve("run");
    Configuration conf = new Configuration();
    open(out, conf).replace(files("a.txt", "first"));
    Files.writeString(tmp.resolve(".notes.old-1"), "beside");
    open(out, conf).replace(files("a.txt", "second"));
    assertThat(names(tmp)).containsExactly(".notes.old-1", "run");

    Files.writeString(out.resolve(".notes.old-1"), "inside");
    assertThatThrownBy(() -> open(out, conf)).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining(".notes.old-1 was added since this job wrote it");
    assertThat(out.resolve(".notes.old-1")).hasContent("inside");
    assertThat(tmp.resolve(".notes.old-1")).hasContent("beside");
  }

  @Test
  void aFileAddedAfterTheFolderWasCheckedIsKeptWithThePreviousOutputs() throws Exception {
    Path out = tmp.resolve("run");
    OutputFolder folder = open(out, new Configuration());
    folder.replace(files("a.txt", "first"));

    folder.replace(staging -> {
      staging.write("a.txt", "second".getBytes(StandardCharsets.UTF_8));
      // the folder was checked when replace began; the swap comes after this
      Files.writeString(out.resolve("notes.txt"), "written meanwhile");
    });

    assertThat(out.resolve("a.txt")).hasContent("second");
    String kept = names(tmp).stream().filter(n -> n.startsWith("run.kept-")).findFirst().orElseThrow();
    assertThat(names(tmp)).containsExactly("run", kept);
    assertThat(tmp.resolve(kept).resolve("notes.txt")).hasContent("written meanwhile");
    assertThat(tmp.resolve(kept).resolve("a.txt")).hasContent("first");
  }

  @Test
  void worksTheSameOnHdfs() throws Exception {
    try (MiniHdfs hdfs = MiniHdfs.start(tmp.resolve("hdfs"))) {
      Configuration conf = new Configuration();
      org.apache.hadoop.fs.FileSystem fs = hdfs.fs();
      String out = hdfs.uri() + "/out";
      OutputFolder.open("--out", out, "train", conf).replace(files("a.txt", "first"));
      OutputFolder.open("--out", out, "train", conf).replace(files("a.txt", "second"));
      assertThat(new String(OutputFolder.open("--out", out, "train", conf).readVerified("a.txt"), StandardCharsets.UTF_8))
          .isEqualTo("second");
      assertThatThrownBy(() -> OutputFolder.open("--out", out, "study", conf))
          .hasMessageContaining("holds a 'train' output, not a 'study' one");

      fs.create(new org.apache.hadoop.fs.Path(out, "someone-elses.txt")).close();
      assertThatThrownBy(() -> OutputFolder.open("--out", out, "train", conf))
          .hasMessageContaining("someone-elses.txt was added");
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(out, "someone-elses.txt"))).isTrue();

      OutputFolder study = OutputFolder.open("--out", fs.getUri() + "/study", "study", conf);
      study.update("r.json", new byte[] {1, 2});
      study.update("r.json", new byte[] {3});
      assertThat(study.readVerified("r.json")).containsExactly(3);
      // nothing beside the two folders: no temporary left behind
      assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("/"))).extracting(st -> st.getPath().getName())
          .containsExactlyInAnyOrder("out", "study");
    }
  }
}
