package org.mnistspark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages form layers (docs/architecture.md): cli on top; the commands' packages (retrain,
 * study, bench, use) and pipeline under it; the stages (data, scale, train, eval, output) and
 * config, spark and submit below. Checked on the main classes' bytecode, and again on their source,
 * which also holds what bytecode loses: inlined constants and imports only javadoc uses.
 */
class PackageStructureTest {
  private static final List<String> STAGES = List.of("data", "scale", "train", "eval", "output", "config");
  private static final List<String> ABOVE_STAGES = List.of("pipeline", "retrain", "study", "bench", "use");
  private static JavaClasses main;
  private static SourceDependencies source;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.mnistspark");
    // an empty import would pass every rule
    assertThat(main.containPackage("org.mnistspark.pipeline")).as("pipeline package imported").isTrue();
    assertThat(main.contain("org.mnistspark.cli.MnistJob")).as("MnistJob imported").isTrue();
    source = SourceDependencies.of(Path.of("src/main/java/org/mnistspark"));
    assertThat(source.containsPackage("pipeline")).as("pipeline's source read").isTrue();
  }

  @Test
  void noPackageCyclesInTheSource() {
    assertThat(source.cycles()).as("package cycles named in the source").isEmpty();
  }

  @Test
  void theStagesNameNoCommandAndNoPipelineInTheSource() {
    assertThat(source.edgesBetween(STAGES, ABOVE_STAGES)).isEmpty();
  }

  @Test
  void theSourceOfNoOtherPackageNamesTheCliOrAnyPackageFromTheRoot() {
    List<String> all = source.packages();
    assertThat(source.edgesBetween(all.stream().filter(p -> !p.equals("cli")).toList(), List.of("cli"))).isEmpty();
    assertThat(source.edgesBetween(List.of(SourceDependencies.ROOT), all)).isEmpty();
  }

  @Test
  void noPackageCycles() {
    slices().matching("org.mnistspark.(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void onlyTheCliDependsOnTheCli() {
    noClasses().that().resideOutsideOfPackage("org.mnistspark.cli..")
        .should().dependOnClassesThat().resideInAPackage("org.mnistspark.cli..").check(main);
  }

  @Test
  void theRootPackageHoldsOnlyLeavesThatDependOnNoOtherPackageOfTheJob() {
    noClasses().that().resideInAPackage("org.mnistspark")
        .should().dependOnClassesThat().resideInAPackage("org.mnistspark.(*)..").check(main);
  }

  @Test
  void theStagesDependOnNoCommandAndNoPipeline() {
    noClasses().that().resideInAnyPackage("org.mnistspark.data..", "org.mnistspark.scale..", "org.mnistspark.train..",
            "org.mnistspark.eval..", "org.mnistspark.output..", "org.mnistspark.config..")
        .should().dependOnClassesThat().resideInAnyPackage(ABOVE_STAGES.stream().map(p -> "org.mnistspark." + p + "..")
            .toArray(String[]::new))
        .check(main);
  }
}
