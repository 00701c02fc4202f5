package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.data.MnistLoader.TRAIN_IMAGES;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mnistspark.data.IdxBytes;
import org.mnistspark.data.IdxReader;

/**
 * A driver whose heap is a little larger than what a tiny .gz declares: the job used to allocate
 * the declared array before reading a byte of data, and died of OutOfMemoryError. Now the refusal
 * is the usual exit-2 line, in a JVM of its own so that its heap is the small one.
 */
class SmallDriverHeapTest {
  @TempDir Path tmp;

  /**
   * @param heap the driver's -Xmx: 2g as conf/spark-cluster.properties gives a cluster's driver, and
   *     256m, where the declared data are 98% of the heap
   */
  @ParameterizedTest(name = "-Xmx{0}, {1} images declared")
  @CsvSource({"2g, 2700000", "256m, 330000"})
  void tinyGzipDeclaringNearlyTheWholeHeapIsRefusedWithoutOutOfMemoryError(String heap, int declared) throws Exception {
    Path dir = IdxBytes.mnistFolder(tmp.resolve("mnist"), IdxBytes.pixels(10, 0), IdxBytes.pixels(2, 5));
    Files.delete(dir.resolve(TRAIN_IMAGES));
    byte[] gz = IdxBytes.gzip(IdxBytes.images(IdxReader.IMAGES_MAGIC, declared, 28, 28, new byte[2 * 784]));
    assertThat(gz.length).as("bytes on disk").isLessThan(100);
    Path file = Files.write(dir.resolve(TRAIN_IMAGES + ".gz"), gz);
    Path out = tmp.resolve("out");
    Path log = tmp.resolve("driver.log");

    Process driver = ChildJvm.startJob(log, List.of("-Xmx" + heap),
        "train", "--data", dir.toString(), "--out", out.toString(), "--master", "local[1]");
    assertThat(driver.waitFor(120, TimeUnit.SECONDS)).as("exited within 2 minutes; log:\n%s", ChildJvm.read(log)).isTrue();

    String text = ChildJvm.read(log);
    assertThat(driver.exitValue()).as("exit code; log:\n%s", text).isEqualTo(2);
    assertThat(text)
        .contains("mnist-job: file:" + file + ": holds 1568 data bytes after its header, expected " + declared * 784L
            + " for the " + declared + " images it declares (truncated?)")
        .doesNotContain("OutOfMemoryError");
    assertThat(out).doesNotExist();
  }
}
