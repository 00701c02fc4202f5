package org.mnistspark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Unknown keys under mnist, keys outside it, and the known key each is taken for. */
class ConfigKeysTest {
  @TempDir Path tmp;

  private final ConfigKeys keys = new ConfigKeys(ConfigFactory.defaultReference().getConfig(Settings.ROOT));

  @Test
  void editDistance() {
    assertThat(ConfigKeys.editDistance("flor", "floor")).isEqualTo(1);
    assertThat(ConfigKeys.editDistance("epochs", "epcohs")).isEqualTo(2);
    assertThat(ConfigKeys.editDistance("", "seed")).isEqualTo(4);
    assertThat(ConfigKeys.editDistance("seed", "seed")).isZero();
    assertThat(ConfigKeys.editDistance("kitten", "sitting")).isEqualTo(3);
  }

  @Test
  void typosAreTakenForTheNearestKey() {
    assertThat(keys.closest("retrain.flor")).isEqualTo("retrain.floor");
    assertThat(keys.closest("epoch")).isEqualTo("epochs");
    assertThat(keys.closest("Epochs")).isEqualTo("epochs");
    assertThat(keys.closest("batch-size")).isEqualTo("eval-batch-size");
    assertThat(keys.closest("validation_fraction")).isEqualTo("validation-fraction");
    assertThat(keys.closest("retrain.keep_runs")).isEqualTo("retrain.keep-runs");
  }

  @Test
  void aKnownNameInTheWrongBlockIsTakenForTheRightOne() {
    assertThat(keys.closest("floor")).isEqualTo("retrain.floor");
    assertThat(keys.closest("retrain.epochs")).isEqualTo("epochs");
    assertThat(keys.closest("epochs.count")).isEqualTo("epochs");
  }

  @Test
  void unknownOverrideIsNamedAsAnOption() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("learning-ratez", 0.1)))
        .isExactlyInstanceOf(InvalidOptionException.class)
        .hasMessage("options: unknown key mnist.learning-ratez (did you mean mnist.learning-rate?)");
  }

  /** A conf file's top level holds only mnist: anything else would be read by nothing. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // docs/operating.md's own example, written without the mnist block around it
      "retrain { floor = 0.99 }| retrain| (did you mean mnist.retrain?)",
      "retrain.floor = 0.99| retrain| (did you mean mnist.retrain?)",
      "epochs = 3| epochs| (did you mean mnist.epochs?)",
      "study { seeds = 5 }| study| (did you mean mnist.study?)",
      "floor = 0.99| floor| (did you mean mnist.retrain.floor?)",
      // a misspelt block, its keys all valid below mnist
      "mnsit { epochs = 3 }| mnsit| (did you mean mnist?)",
      "MNIST { epochs = 3 }| MNIST| (did you mean mnist?)",
      "base = \"/data\"| base| ''",
      // the first in key order is named, the mnist block beside them is no excuse
      "mnist { epochs = 3 }, zeta = 1, alpha { x = 1 }| alpha| ''"})
  void aTopLevelKeyOtherThanMnistIsRefusedNamingTheFile(String content, String key, String meant) throws Exception {
    Path conf = Files.writeString(tmp.resolve("top.conf"), content + "\n");
    assertThatThrownBy(() -> Settings.load(conf.toFile(), Map.of()))
        .isExactlyInstanceOf(InvalidOptionException.class)
        .hasMessage(conf + ": top-level key " + key + " is outside the mnist block, which holds every setting"
            + (meant.isEmpty() ? "" : " " + meant));
  }

  @Test
  void aFileOfOnlyTheMnistBlockIsRead() throws Exception {
    Path conf = Files.writeString(tmp.resolve("ok.conf"), "# nothing but comments and mnist\nmnist { epochs = 3 }\n"
        + "mnist.retrain.floor = 0.99\n");
    Settings s = Settings.load(conf.toFile(), Map.of());
    assertThat(s.job().epochs()).isEqualTo(3);
    assertThat(s.retrain().floor()).isEqualTo(0.99);
    assertThat(Settings.load(Files.writeString(tmp.resolve("empty.conf"), "").toFile(), Map.of()))
        .isEqualTo(Settings.load(null, Map.of()));
  }

  /** The conf files the project ships hold only the mnist block. */
  @ParameterizedTest
  @ValueSource(strings = {"local.conf", "cluster.conf", "before-schedule.conf"})
  void theShippedConfFilesPass(String name) {
    File conf = Path.of(System.getProperty("project.root", "."), "conf", name).toFile();
    assertThat(conf).isFile();
    assertThatCode(() -> Settings.load(conf, Map.of())).doesNotThrowAnyException();
  }

  @Test
  void everyKeyOfEveryBlockReadsBackAsItsDefault() {
    Settings defaults = Settings.load(null, Map.of());
    Map<String, Object> all = new HashMap<>();
    for (Settings.Block block : Settings.BLOCKS) {
      SettingsRecords.asMap(record(defaults, block)).forEach((k, v) -> all.put(block.prefix() + k, v));
    }
    assertThat(Settings.load(null, all)).isEqualTo(defaults);
  }

  @Test
  void theRecordsHoldEveryOptionOfTheReferenceAndNothingElse() {
    // the file itself: defaultReference() would add system properties such as the pom's mnist.dir
    Config reference = ConfigFactory.parseResources("reference.conf").resolve().getConfig("mnist");
    Settings defaults = Settings.load(null, Map.of());
    for (Settings.Block block : Settings.BLOCKS) {
      Config c = block.prefix().isEmpty() ? reference : reference.getConfig(block.prefix().replace(".", ""));
      List<String> options = c.root().entrySet().stream()
          .filter(e -> e.getValue().valueType() != ConfigValueType.OBJECT).map(Map.Entry::getKey).toList();
      assertThat(SettingsRecords.asMap(record(defaults, block)).keySet()).as(block.type().getSimpleName())
          .containsExactlyInAnyOrderElementsOf(options);
    }
    assertThat(Settings.BLOCKS).extracting(Settings.Block::type).hasSize(Settings.class.getRecordComponents().length);
  }

  private static Record record(Settings s, Settings.Block block) {
    return List.<Record>of(s.job(), s.retrain(), s.study(), s.bench(), s.table()).stream().filter(block.type()::isInstance)
        .findFirst().orElseThrow();
  }
}
