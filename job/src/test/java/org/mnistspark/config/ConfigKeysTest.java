package org.mnistspark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unknown keys under mnist and the known key each is taken for. */
class ConfigKeysTest {
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
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("learning-rates", 0.1)))
        .isExactlyInstanceOf(InvalidOptionException.class)
        .hasMessage("options: unknown key mnist.learning-rates (did you mean mnist.learning-rate?)");
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
