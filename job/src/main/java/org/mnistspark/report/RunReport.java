package org.mnistspark.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.mnistspark.data.MnistData;
import org.mnistspark.eval.ConfusionMatrixChart;
import org.mnistspark.eval.TestMetrics;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.report.Html.Table;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.ValidationPoint;

/**
 * A training run's report: report.html, with its plots embedded so the file stands alone, and the
 * same plots as PNGs beside it. Every number and point comes from the run's {@link RunMetrics},
 * what metrics.json holds. Pure: no files.
 */
public final class RunReport {
  public static final String HTML = "report.html";
  public static final String VALIDATION_PNG = "validation-accuracy.png";
  public static final String LOSS_PNG = "loss.png";
  public static final String CONFUSION_PNG = ConfusionMatrixChart.FILE;
  public static final String PER_CLASS_PNG = "per-class.png";
  /** Every file of the report, as {@link #files} names them. */
  public static final List<String> FILES = List.of(HTML, VALIDATION_PNG, LOSS_PNG, CONFUSION_PNG, PER_CLASS_PNG);

  private RunReport() {}

  /** The plots as PNG bytes. */
  public record Images(byte[] validationAccuracy, byte[] loss, byte[] confusionMatrix, byte[] perClass) {
    public static Images of(RunMetrics m) throws IOException {
      return new Images(RunCharts.validationAccuracy(m), RunCharts.loss(m), ConfusionMatrixChart.png(m.test()),
          RunCharts.perClass(m.test()));
    }
  }

  /** report.html and its PNGs, by file name. */
  public static Map<String, byte[]> files(RunMetrics m) throws IOException {
    Images images = Images.of(m);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(HTML, html(m, images).getBytes(StandardCharsets.UTF_8));
    files.put(VALIDATION_PNG, images.validationAccuracy());
    files.put(LOSS_PNG, images.loss());
    files.put(CONFUSION_PNG, images.confusionMatrix());
    files.put(PER_CLASS_PNG, images.perClass());
    return files;
  }

  public static String html(RunMetrics m, Images images) {
    StringBuilder b = new StringBuilder();
    Html.open(b, "Training run: test accuracy " + Format.fraction(m.test().accuracy()));
    Html.paragraph(b, intro(m));
    Html.list(b, facts(m));
    Html.heading(b, "Test set");
    Html.table(b, testSummary(m.test()));
    Html.heading(b, "Validation accuracy and loss");
    Html.image(b, images.validationAccuracy(), "Validation accuracy at every check");
    Html.image(b, images.loss(), "Validation loss at every check and train loss per epoch");
    Html.table(b, perEpoch(m.epochs()));
    Html.paragraph(b, "Seconds count training only, validation excluded. Train loss is the mean minibatch loss over "
        + "the epoch (with --trainer dl4j, DL4J's loss of the epoch's last averaging round); validation accuracy and "
        + "loss are those of the check at the epoch's end.");
    Html.heading(b, "Every validation check");
    Html.table(b, checks(m.validationCurve(), m.keptValidationCheck()));
    Html.heading(b, "Confusion matrix on the test set");
    Html.image(b, images.confusionMatrix(), "Confusion matrix, rows the true class, columns the predicted one");
    Html.heading(b, "Per-class precision and recall on the test set");
    Html.image(b, images.perClass(), "Per-class precision and recall");
    Html.table(b, perClass(m.test()));
    Html.heading(b, "Configuration");
    Html.table(b, configuration(m));
    Html.heading(b, "Data");
    Html.table(b, data(m.data()));
    Html.close(b);
    return b.toString();
  }

  private static String intro(RunMetrics m) {
    RunMetrics.Data d = m.data();
    return "The LeNet trained on " + d.dataset() + " (" + d.trainImages() + " training, " + d.validationImages()
        + " validation and " + d.testImages() + " test images), pixels scaled " + m.scaling().kind() + ", for "
        + Format.epochs(m.epochs().size()) + "; finished " + m.finishedAt() + " after " + Format.seconds(m.wallSeconds())
        + " s wall. Every number and plot here comes from metrics.json beside this report.";
  }

  private static List<String> facts(RunMetrics m) {
    List<String> facts = new ArrayList<>();
    ValidationPoint kept = m.keptValidationCheck();
    facts.add(kept == null ? "Saved model: the parameters after the last epoch."
        : "Saved model: the parameters of the best validation check, at epoch " + position(kept) + " (accuracy "
            + Format.fraction(kept.accuracy()) + "), kept by keep-best-validation.");
    if (m.stoppedEarly() != null) {
      facts.add("Stopped before the last epoch: " + m.stoppedEarly() + ".");
    }
    if (m.resumedFrom() != null) {
      facts.add("Resumed from " + m.resumedFrom().checkpoint() + " (after epoch " + m.resumedFrom().epoch()
          + "); the wall time covers the resumed process only.");
    }
    RunMetrics.Spark s = m.spark();
    List<String> tasks = new ArrayList<>();
    new TreeMap<>(s.executors()).forEach((executor, n) -> tasks.add(executor + " " + n));
    facts.add("Spark: master " + s.master() + ", application " + s.applicationId() + ", " + s.partitions()
        + " partitions; tasks run per executor: " + String.join(", ", tasks) + ".");
    if (m.averagingRound() != null && m.averagingRound().rounds() > 0) {
      var r = m.averagingRound();
      facts.add(String.format(Locale.ROOT, "Averaging: %d rounds of %.0f ms on average, %.0f ms of it fitting.",
          r.rounds(), r.roundMillis(), r.fitMillis()));
    }
    return facts;
  }

  private static Table testSummary(TestMetrics t) {
    return new Table(List.of("test images", "accuracy", "precision (macro)", "recall (macro)", "F1 (macro)"),
        List.of(List.of(String.valueOf(t.examples()), Format.fraction(t.accuracy()), Format.fraction(t.precision()),
            Format.fraction(t.recall()), Format.fraction(t.f1()))));
  }

  private static Table perEpoch(List<EpochStats> epochs) {
    List<List<String>> rows = new ArrayList<>();
    for (EpochStats e : epochs) {
      rows.add(List.of(String.valueOf(e.epoch()), Format.seconds(e.seconds()),
          e.imagesFitted() < 0 ? "—" : String.valueOf(e.imagesFitted()), Format.rate(e.samplesPerSecond()),
          Format.loss(e.trainLoss()), Format.fraction(e.validationAccuracy()), optionalLoss(e.validationLoss())));
    }
    return new Table(List.of("epoch", "seconds", "images fitted", "images/s", "train loss", "validation accuracy",
        "validation loss"), rows);
  }

  private static Table checks(List<ValidationPoint> curve, ValidationPoint kept) {
    List<List<String>> rows = new ArrayList<>();
    for (ValidationPoint p : curve) {
      rows.add(List.of(position(p) + (p.equals(kept) ? " (saved model)" : ""), String.valueOf(p.imagesFitted()),
          Format.seconds(p.trainSeconds()), Format.fraction(p.accuracy()), optionalLoss(p.loss())));
    }
    return new Table(List.of("epoch", "images fitted", "training seconds", "validation accuracy", "validation loss"),
        rows);
  }

  /** One row per class: its test images (the confusion matrix's row) and how many of them were right. */
  private static Table perClass(TestMetrics t) {
    List<List<String>> rows = new ArrayList<>();
    for (TestMetrics.ClassMetrics c : t.perClass()) {
      long[] row = t.confusionMatrix()[c.label()];
      long images = Arrays.stream(row).sum();
      rows.add(List.of(String.valueOf(c.label()), String.valueOf(images), String.valueOf(row[c.label()]),
          Format.fraction(c.precision()), Format.fraction(c.recall()), Format.fraction(c.f1())));
    }
    return new Table(List.of("class", "test images", "correct", "precision", "recall", "F1"), rows);
  }

  /** Every effective option, as metrics.json's config, and the scaling fitted with them. */
  private static Table configuration(RunMetrics m) {
    List<List<String>> rows = new ArrayList<>();
    m.config().forEach((k, v) -> rows.add(List.of(k, String.valueOf(v))));
    RunMetrics.Scaling s = m.scaling();
    rows.add(List.of("fitted scaling", "(x - " + s.offset() + ") / " + s.divisor()));
    return new Table(List.of("option", "value"), rows);
  }

  private static Table data(RunMetrics.Data d) {
    List<List<String>> rows = new ArrayList<>();
    for (MnistData.InputFile f : d.files()) {
      rows.add(List.of(f.path(), String.valueOf(f.bytes()), f.sha256()));
    }
    return new Table(List.of("file", "bytes", "SHA-256"), rows);
  }

  /** 1.25 -> "1.25", 2.0 -> "2". */
  private static String position(ValidationPoint p) {
    return new BigDecimal(String.format(Locale.ROOT, "%.2f", p.epoch())).stripTrailingZeros().toPlainString();
  }

  private static String optionalLoss(Double loss) {
    return loss == null ? "—" : Format.loss(loss);
  }
}
