package org.mnistspark.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a standalone cluster's shared secret from a private file. */
class SparkSecretTest {
  @TempDir Path tmp;

  private static final String SECRET = "3f1c0a9b8e7d6c5b4a3f2e1d0c9b8a7f";

  private String file(String perms, String content) throws Exception {
    Path f = Files.createTempFile(tmp, "secret", "");
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
    return f.toString();
  }

  @Test
  void oneLineOfAPrivateFileTrailingNewlineAllowed() throws Exception {
    assertThat(SparkSecret.read(file("rw-------", SECRET + "\n"))).isEqualTo(SECRET);
    assertThat(SparkSecret.read(file("r--------", SECRET))).isEqualTo(SECRET);
  }

  @Test
  void aFileOtherUsersCanReadOrWriteIsRefused() throws Exception {
    for (String perms : new String[] {"rw-r--r--", "rw-r-----", "rw-----w-"}) {
      String f = file(perms, SECRET);
      assertThatThrownBy(() -> SparkSecret.read(f)).isInstanceOf(SparkSettingException.class)
          .hasMessage("MNIST_SPARK_SECRET_FILE=" + f + ": other users have access to it (" + perms + "); chmod 600 " + f);
    }
  }

  @Test
  void unusableContentIsRefusedWithoutShowingIt() throws Exception {
    String empty = file("rw-------", "\n");
    assertThatThrownBy(() -> SparkSecret.read(empty))
        .hasMessage("MNIST_SPARK_SECRET_FILE=" + empty + ": the file is empty; create one with: openssl rand -hex 32 > " + empty);
    String shortOne = file("rw-------", "tooshort");
    assertThatThrownBy(() -> SparkSecret.read(shortOne)).hasMessage("MNIST_SPARK_SECRET_FILE=" + shortOne
        + ": the secret has 8 characters, fewer than 16; create one with: openssl rand -hex 32 > " + shortOne);
    String twoLines = file("rw-------", SECRET + "\n" + SECRET + "\n");
    assertThatThrownBy(() -> SparkSecret.read(twoLines)).hasMessage("MNIST_SPARK_SECRET_FILE=" + twoLines
        + ": the secret must be one line without spaces").message().doesNotContain(SECRET);
    String missing = tmp.resolve("nope").toString();
    assertThatThrownBy(() -> SparkSecret.read(missing)).hasMessage("MNIST_SPARK_SECRET_FILE=" + missing + ": no such file");
  }
}
