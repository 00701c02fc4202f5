package org.mnistspark.study;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.Optimizer;
import org.mnistspark.config.Settings;
import org.mnistspark.config.SettingsOptions;
import org.mnistspark.config.StudyConfig;
import org.mnistspark.config.TableConfig;
import org.mnistspark.output.OutputLock;
import org.mnistspark.spark.SparkSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The normalization study: one training per (scaling, seed) on one Spark context, then a report. */
@Command(name = "study", mixinStandardHelpOptions = true,
    description = {"Train once per (scaling, seed) on one Spark context, all else equal, and report accuracy and "
        + "speed per epoch: results.json, accuracy.png, loss.png, report.md, report.html in --out.",
        "Runs already in results.json with the same options are not repeated.",
        "--out defaults to study/ beside the configured output folder (out/study with the built-in settings)."})
public final class StudyCommand implements Callable<Integer>, Configurable {
  private static final Logger log = LoggerFactory.getLogger(StudyCommand.class);

  @Spec CommandSpec spec;

  private final SettingsOptions settings = SettingsOptions.jobAnd("study", "table");

  /** Keras' default learning rate for plain SGD. */
  static final double SGD_LEARNING_RATE = 0.01;

  @Override
  public Integer call() throws Exception {
    // every folder is checked before any study starts Spark
    List<StudyPlan> plans = plans();
    List<StudyFolder> folders = new ArrayList<>();
    for (StudyPlan plan : plans) {
      SparkConf sparkConf = SparkSetup.sparkConf(plan.base());
      String name = plans.size() == 1 ? folder(plan.base()) : folder(plan.base()) + "-" + plan.base().optimizer().label();
      folders.add(new StudyFolder(SparkSetup.hadoopConf(sparkConf), name));
    }
    // and every one is this command's until it ends
    List<OutputLock> locks = new ArrayList<>();
    try {
      for (int i = 0; i < plans.size(); i++) {
        locks.add(folders.get(i).lock(Duration.ofSeconds(plans.get(i).base().outLockWait())));
      }
      TableConfig columns = settings.resolve().table();
      for (int i = 0; i < plans.size(); i++) {
        study(plans.get(i), folders.get(i), columns);
      }
    } finally {
      locks.forEach(OutputLock::close);
    }
    return 0;
  }

  private void study(StudyPlan plan, StudyFolder folder, TableConfig columns) throws Exception {
    SparkConf sparkConf = SparkSetup.sparkConf(plan.base()).setAppName("mnist-normalization-study");
    StudyRunner runner = new StudyRunner(folder, log::info, reuseFrom(sparkConf));
    StudyRunner.Outcome outcome = settings.resolve().study().redrawOnly() ? runner.redraw(plan)
        : runner.run(plan, () -> new SparkStudyExecutor(plan, sparkConf, columns));
    var out = spec.commandLine().getOut();
    out.printf("study: ran %d of %d runs (%d already in %s); report: %s%n", outcome.ran(), outcome.planned(),
        outcome.reused(), StudyFolder.RESULTS, folder.path(StudyFolder.REPORT_MD));
    out.flush();
  }

  /** The --reuse-from folders, each checked to be a study's. */
  private List<StudyFolder> reuseFrom(SparkConf sparkConf) {
    List<StudyFolder> out = new ArrayList<>();
    for (String f : settings.resolve().study().reuseFromList()) {
      out.add(new StudyFolder(SparkSetup.hadoopConf(sparkConf), "--reuse-from", f));
    }
    return out;
  }

  /** One plan per optimizer of the study's optimizers (or the configured one), checked before anything runs. */
  List<StudyPlan> plans() {
    if (settings.given("scaling")) {
      throw new InvalidOptionException("--scaling", String.valueOf(settings.given().get("scaling")),
          "a study compares scalings; list them with --scalings");
    }
    Settings all = settings.resolve();
    StudyConfig study = all.study();
    List<StudyPlan> out = new ArrayList<>();
    for (Optimizer o : study.optimizerList(all.job().optimizer())) {
      JobConfig base = all.job().withOptimizer(o);
      // the study's own optimizer list compares each at its usual rate; a lone configured one keeps its rate
      if (o == Optimizer.SGD && !study.optimizers().isEmpty()) {
        base = base.withLearningRate(SGD_LEARNING_RATE);
      }
      out.add(new StudyPlan(base, study.scalingList(), study.seeds(),
          study.thresholdList(StudyPlan.defaultThresholds(base.dataset())), study.learningRateList(),
          study.variantList(), study.secondsCaveat()));
    }
    return out;
  }

  /** --out when given, else {@link #defaultFolder}. */
  private String folder(JobConfig config) {
    return settings.given("out") ? config.out() : defaultFolder(config.out());
  }

  /** A "study" folder beside {@code out}: out/latest gives out/study. */
  static String defaultFolder(String out) {
    Path parent = new Path(out).getParent();
    return parent == null || parent.toString().isEmpty() ? "study" : new Path(parent, "study").toString();
  }

  @Override
  public SettingsOptions settings() {
    return settings;
  }
}
