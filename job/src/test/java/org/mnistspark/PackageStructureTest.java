package org.mnistspark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages form layers (docs/architecture.md): cli on top; the commands' packages (retrain,
 * study, bench, use) and pipeline under it; the stages (data, scale, train, eval, output) and
 * config, spark and submit below. Checked on the main classes' bytecode.
 */
class PackageStructureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.mnistspark");
    // an empty import would pass every rule
    assertThat(main.containPackage("org.mnistspark.pipeline")).as("pipeline package imported").isTrue();
    assertThat(main.contain("org.mnistspark.cli.MnistJob")).as("MnistJob imported").isTrue();
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
        .should().dependOnClassesThat().resideInAnyPackage("org.mnistspark.pipeline..", "org.mnistspark.retrain..",
            "org.mnistspark.study..", "org.mnistspark.bench..", "org.mnistspark.use..")
        .check(main);
  }
}
