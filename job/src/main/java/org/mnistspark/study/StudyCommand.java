package org.mnistspark.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.JobOptions;
import org.mnistspark.scale.Scaling;
import org.mnistspark.spark.SparkSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The normalization study: one training per (scaling, seed) on one Spark context, then a report. */
@Command(name = "study", mixinStandardHelpOptions = true,
    description = {"Train once per (scaling, seed) on one Spark context, all else equal, and report accuracy and "
        + "speed per epoch: results.json, accuracy.png, loss.png, report.md, report.html in --out.",
        "Runs already in results.json with the same options are not repeated.",
        "--out defaults to study/ beside the configured output folder (out/study with the built-in settings)."})
public final class StudyCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(StudyCommand.class);

  @Spec CommandSpec spec;

  @Mixin JobOptions options;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "3",
      description = "Runs per scaling, with seeds --seed, --seed + 1, ... (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--scalings", paramLabel = "KINDS", defaultValue = "none,minmax,standardize",
      description = "Comma-separated scalings to compare, in report order (default: ${DEFAULT-VALUE}).")
  String scalings;

  @Option(names = "--thresholds", paramLabel = "ACCURACIES",
      description = "Comma-separated validation accuracies, rising, whose first epoch the report gives "
          + "(default: 0.98,0.99 for mnist, 0.88,0.90 for fashion-mnist).")
  String thresholds;

  @Option(names = "--optimizers", paramLabel = "NAMES",
      description = "Comma-separated optimizers, one study each (adam at the configured --learning-rate, sgd at 0.01, "
          + "Keras' default); with more than one, each writes to --out-NAME (default: the configured --optimizer).")
  String optimizers;

  /** Keras' default learning rate for plain SGD. */
  static final double SGD_LEARNING_RATE = 0.01;

  @Override
  public Integer call() throws Exception {
    // every folder is checked before any study starts Spark
    List<StudyPlan> plans = plans();
    List<StudyFolder> folders = new ArrayList<>();
    for (StudyPlan plan : plans) {
      SparkConf sparkConf = SparkSetup.sparkConf(plan.base());
      String name = plans.size() == 1 ? folder(plan.base()) : folder(plan.base()) + "-" + plan.base().optimizer();
      folders.add(new StudyFolder(SparkSetup.hadoopConf(sparkConf), name));
    }
    for (int i = 0; i < plans.size(); i++) {
      StudyPlan plan = plans.get(i);
      StudyFolder folder = folders.get(i);
      SparkConf sparkConf = SparkSetup.sparkConf(plan.base()).setAppName("mnist-normalization-study");
      StudyRunner.Outcome outcome = new StudyRunner(folder, log::info)
          .run(plan, () -> new SparkStudyExecutor(plan, sparkConf));
      var out = spec.commandLine().getOut();
      out.printf("study: ran %d of %d runs (%d already in %s); report: %s%n", outcome.ran(), outcome.planned(),
          outcome.reused(), StudyFolder.RESULTS, folder.path(StudyFolder.REPORT_MD));
      out.flush();
    }
    return 0;
  }

  /** One plan per optimizer of --optimizers (or the configured one). */
  List<StudyPlan> plans() {
    StudyPlan plan = plan();
    if (optimizers == null) {
      return List.of(plan);
    }
    List<StudyPlan> out = new ArrayList<>();
    for (String o : parseOptimizers(optimizers)) {
      JobConfig base = plan.base().with("optimizer", o);
      if (o.equals("sgd")) {
        base = base.with("learning-rate", SGD_LEARNING_RATE);
      }
      out.add(new StudyPlan(base, plan.scalings(), plan.seeds(), plan.thresholds()));
    }
    return out;
  }

  static List<String> parseOptimizers(String list) {
    List<String> out = new ArrayList<>();
    for (String part : list.split(",", -1)) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (!name.equals("adam") && !name.equals("sgd")) {
        throw new InvalidOptionException("--optimizers", list, "'" + part.trim() + "' is not one of adam, sgd");
      }
      if (out.contains(name)) {
        throw new InvalidOptionException("--optimizers", list, "names " + name + " twice");
      }
      out.add(name);
    }
    return out;
  }

  /** The plan from the options, checked before anything runs. */
  StudyPlan plan() {
    if (spec.commandLine().getParseResult().hasMatchedOption("--scaling")) {
      throw new InvalidOptionException("--scaling", spec.commandLine().getParseResult().matchedOptionValue("--scaling", ""),
          "a study compares scalings; list them with --scalings");
    }
    if (seeds < 1) {
      throw new InvalidOptionException("--seeds", String.valueOf(seeds), "must be at least 1");
    }
    JobConfig base = options.resolve();
    List<Double> t = thresholds == null ? StudyPlan.defaultThresholds(base.dataset()) : parseThresholds(thresholds);
    return new StudyPlan(base, parseScalings(scalings), seeds, t);
  }

  /**
   * Returns the thresholds in {@code list}.
   *
   * @throws InvalidOptionException if one is not a number in (0, 1] or they do not rise
   */
  static List<Double> parseThresholds(String list) {
    List<Double> out = new ArrayList<>();
    for (String part : list.split(",", -1)) {
      double t;
      try {
        t = Double.parseDouble(part.trim());
      } catch (NumberFormatException e) {
        throw new InvalidOptionException("--thresholds", list, "'" + part.trim() + "' is not a number");
      }
      if (!(t > 0 && t <= 1) || (!out.isEmpty() && t <= out.get(out.size() - 1))) {
        throw new InvalidOptionException("--thresholds", list, "must be accuracies in (0, 1], rising, e.g. 0.98,0.99");
      }
      out.add(t);
    }
    return out;
  }

  /**
   * Returns the scalings named in {@code list}, in its order.
   *
   * @throws InvalidOptionException if the list is empty, names an unknown scaling or one twice
   */
  static List<Scaling> parseScalings(String list) {
    List<Scaling> out = new ArrayList<>();
    for (String part : list.split(",", -1)) {
      String label = part.trim().toLowerCase(Locale.ROOT);
      Scaling s;
      try {
        s = Scaling.parse(label);
      } catch (IllegalArgumentException e) {
        throw new InvalidOptionException("--scalings", list, "'" + part.trim() + "' is not one of none, minmax, standardize");
      }
      if (out.contains(s)) {
        throw new InvalidOptionException("--scalings", list, "names " + label + " twice");
      }
      out.add(s);
    }
    return out;
  }

  /** --out when given, else {@link #defaultFolder}. */
  private String folder(JobConfig config) {
    boolean given = spec.commandLine().getParseResult().hasMatchedOption("--out");
    return given ? config.out() : defaultFolder(config.out());
  }

  /** A "study" folder beside {@code out}: out/latest gives out/study. */
  static String defaultFolder(String out) {
    Path parent = new Path(out).getParent();
    return parent == null || parent.toString().isEmpty() ? "study" : new Path(parent, "study").toString();
  }
}
