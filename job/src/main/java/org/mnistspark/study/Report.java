package org.mnistspark.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.mnistspark.config.Optimizer;
import org.mnistspark.config.Trainer;
import org.mnistspark.report.Format;
import org.mnistspark.report.Html;
import org.mnistspark.report.Html.Table;

/**
 * report.md and report.html from a study summary. Both show the same text and tables; the
 * Markdown links the PNGs beside it, the HTML embeds them as data URIs so it can be mailed alone.
 * Every number comes from the summary, which comes from results.json. Pure: no files.
 */
public final class Report {
  public static final String ACCURACY_PNG = "accuracy.png";
  public static final String LOSS_PNG = "loss.png";
  public static final String CURVE_IMAGES_PNG = "accuracy-vs-images.png";
  public static final String CURVE_SECONDS_PNG = "accuracy-vs-seconds.png";
  public static final String MECHANISM_PNG = "mechanism.png";
  public static final String BY_LEARNING_RATE_PNG = "accuracy-by-learning-rate.png";
  public static final String BY_NETWORK_PNG = "accuracy-by-network.png";

  /**
   * The plots as PNG bytes, embedded by the HTML report; mechanism is null when no run measured it,
   * byLearningRate when the plan has one rate, byNetwork when it has one network.
   */
  public record Images(byte[] accuracy, byte[] loss, byte[] curveImages, byte[] curveSeconds, byte[] mechanism,
      byte[] byLearningRate, byte[] byNetwork) {
    public Images(byte[] accuracy, byte[] loss, byte[] curveImages, byte[] curveSeconds, byte[] mechanism) {
      this(accuracy, loss, curveImages, curveSeconds, mechanism, null, null);
    }
  }

  private static final String MECHANISM_TITLE = "Inside the network: pre-activation scale, dead ReLUs, gradient norms";
  private static final String MECHANISM_NOTE = "Measured on the same 256 validation images before training and after "
      + "epochs 1, 2, 4, 8, ... and the last, in the one run per condition the plot names: the first convolution's "
      + "pre-activation |W*x + b| (mean, thick; max, thin), the share of rectifier units whose input is at most 0 for "
      + "every probe image (dead, for a ReLU), and the L2 norm of the mean loss's gradient per layer. The table gives "
      + "every run's conv2 share; all numbers are in results.json (mechanism).";
  private static final String LEARNING_RATE_TITLE = "Test accuracy by learning rate";
  private static final String NETWORK_TITLE = "Test accuracy and conv2's dead units by network";
  private static final String NETWORK_NOTE = "Each network variant changes one thing of the LeNet (network-variant in "
      + "reference.conf) and trains on the same seeds, partitions and options as the LeNet beside it. Below, conv2's "
      + "units whose input is at most 0 for every probe image, after epoch 1 (solid) and at each run's last probe "
      + "(dashed): for a ReLU they are dead; under leaky-relu-conv2 they still pass 0.01 of their input, so they are "
      + "counted but not dead. The paired tests compare each variant with the LeNet under the same scaling too.";
  private static final String PAIRED_TITLE = "Paired test on the test set (McNemar)";
  private static final String PAIRED_NOTE = "Both networks of a seed classify the same 10,000 test images; only the "
      + "images exactly one of them got right say which is better. p is McNemar's exact two-sided p-value: the chance "
      + "of a split at least that uneven if either network were as likely to be the one that is right. The pooled row "
      + "adds the seeds' counts, treating every (seed, image) as independent, which they are not: read its p as a "
      + "lower bound.";

  private Report() {}

  /** The report's text blocks, shared by both renderings. */
  private record Content(String title, List<String> intro, List<String> conclusion, Table results, String resultsNote,
      Table validation, Table loss, String definitions, Table paired, Table probes) {}

  /** The Markdown report, linking the PNGs beside it; the mechanism section only when {@code withMechanism}. */
  public static String markdown(StudySummary s, String updatedAt, boolean withMechanism) {
    return markdown(s, updatedAt, withMechanism, false, false);
  }

  /** The Markdown report, linking those of {@code images} that were drawn. */
  public static String markdown(StudySummary s, String updatedAt, Images images) {
    return markdown(s, updatedAt, images.mechanism() != null, images.byLearningRate() != null,
        images.byNetwork() != null);
  }

  private static String markdown(StudySummary s, String updatedAt, boolean withMechanism, boolean byLearningRate,
      boolean byNetwork) {
    Content c = content(s, updatedAt);
    StringBuilder b = new StringBuilder();
    b.append("# ").append(c.title()).append("\n\n");
    b.append(c.intro().get(0)).append("\n\n");
    for (String line : c.intro().subList(1, c.intro().size())) {
      b.append("- ").append(line).append('\n');
    }
    b.append("\n## Conclusion\n\n");
    for (String p : c.conclusion()) {
      b.append(p).append("\n\n");
    }
    b.append("## Test accuracy and speed\n\n");
    markdownTable(b, c.results());
    b.append('\n').append(c.resultsNote()).append("\n\n");
    if (byLearningRate) {
      b.append("## ").append(LEARNING_RATE_TITLE).append("\n\n");
      b.append("![").append(LEARNING_RATE_TITLE).append("](").append(BY_LEARNING_RATE_PNG).append(")\n\n");
    }
    if (byNetwork) {
      b.append("## ").append(NETWORK_TITLE).append("\n\n");
      b.append("![").append(NETWORK_TITLE).append("](").append(BY_NETWORK_PNG).append(")\n\n");
      b.append(NETWORK_NOTE).append("\n\n");
    }
    if (c.paired() != null) {
      b.append("## ").append(PAIRED_TITLE).append("\n\n");
      markdownTable(b, c.paired());
      b.append('\n').append(PAIRED_NOTE).append("\n\n");
    }
    b.append("## Validation accuracy per epoch\n\n");
    b.append("![Validation accuracy per epoch](").append(ACCURACY_PNG).append(")\n\n");
    markdownTable(b, c.validation());
    b.append("\n## Validation accuracy at every check, by images fitted and by training time\n\n");
    b.append("![Validation accuracy against images fitted](").append(CURVE_IMAGES_PNG).append(")\n\n");
    b.append("![Validation accuracy against training seconds](").append(CURVE_SECONDS_PNG).append(")\n\n");
    if (withMechanism) {
      b.append("## ").append(MECHANISM_TITLE).append("\n\n");
      b.append("![").append(MECHANISM_TITLE).append("](").append(MECHANISM_PNG).append(")\n\n");
      b.append(MECHANISM_NOTE).append("\n\n");
    }
    if (c.probes() != null) {
      markdownTable(b, c.probes());
      b.append('\n');
    }
    b.append("## Loss per epoch\n\n");
    b.append("![Train and validation loss per epoch](").append(LOSS_PNG).append(")\n\n");
    markdownTable(b, c.loss());
    b.append('\n').append(c.definitions()).append('\n');
    return b.toString();
  }

  public static String html(StudySummary s, String updatedAt, Images images) {
    Content c = content(s, updatedAt);
    StringBuilder b = new StringBuilder();
    Html.open(b, c.title());
    Html.paragraph(b, c.intro().get(0));
    Html.list(b, c.intro().subList(1, c.intro().size()));
    Html.heading(b, "Conclusion");
    c.conclusion().forEach(p -> Html.paragraph(b, p));
    Html.heading(b, "Test accuracy and speed");
    Html.table(b, c.results());
    Html.paragraph(b, c.resultsNote());
    if (images.byLearningRate() != null) {
      Html.heading(b, LEARNING_RATE_TITLE);
      Html.image(b, images.byLearningRate(), LEARNING_RATE_TITLE);
    }
    if (images.byNetwork() != null) {
      Html.heading(b, NETWORK_TITLE);
      Html.image(b, images.byNetwork(), NETWORK_TITLE);
      Html.paragraph(b, NETWORK_NOTE);
    }
    if (c.paired() != null) {
      Html.heading(b, PAIRED_TITLE);
      Html.table(b, c.paired());
      Html.paragraph(b, PAIRED_NOTE);
    }
    Html.heading(b, "Validation accuracy per epoch");
    Html.image(b, images.accuracy(), "Validation accuracy per epoch");
    Html.table(b, c.validation());
    Html.heading(b, "Validation accuracy at every check, by images fitted and by training time");
    Html.image(b, images.curveImages(), "Validation accuracy against images fitted");
    Html.image(b, images.curveSeconds(), "Validation accuracy against training seconds");
    if (images.mechanism() != null) {
      Html.heading(b, MECHANISM_TITLE);
      Html.image(b, images.mechanism(), MECHANISM_TITLE);
      Html.paragraph(b, MECHANISM_NOTE);
    }
    if (c.probes() != null) {
      Html.table(b, c.probes());
    }
    Html.heading(b, "Loss per epoch");
    Html.image(b, images.loss(), "Train and validation loss per epoch");
    Html.table(b, c.loss());
    Html.paragraph(b, c.definitions());
    Html.close(b);
    return b.toString();
  }

  private static Content content(StudySummary s, String updatedAt) {
    StudyResults.Plan plan = s.plan();
    StudySummary.Data d = s.data();
    List<String> intro = List.of(
        "Does scaling the pixels change the accuracy the LeNet reaches, or only how fast it gets there? Each scaling "
            + "was trained under the same seeds, on the same partitions, with every other option equal.",
        "Runs: " + s.finished() + " of " + s.planned() + " planned; " + (scalingsOnly(plan)
            ? "scalings " + String.join(", ", plan.scalings()) : "conditions " + String.join(", ", plan.conditions()))
            + "; seeds " + joinNumbers(plan.seeds()) + "; " + Format.epochs(plan.epochs()) + " per run.",
        "Data: " + plan.dataset() + ", " + d.trainImages() + " training, " + d.validationImages() + " validation and "
            + d.testImages() + " test images.",
        training(d, plan),
        "Results as of " + (updatedAt == null ? "(none)" : updatedAt) + "; every number here comes from results.json beside this report.");

    List<String> header = new ArrayList<>(List.of(scalingsOnly(plan) ? "scaling" : "condition", "seeds", "test accuracy mean",
        "min", "max"));
    for (double t : s.thresholds()) {
      header.add("epoch reaching " + Format.threshold(t));
    }
    header.addAll(List.of("best validation epoch", "seconds per epoch", "images per second"));
    List<List<String>> rows = new ArrayList<>();
    for (ScalingSummary x : s.scalings()) {
      List<String> row = new ArrayList<>(List.of(x.scaling(), String.valueOf(x.seeds().size()),
          Format.percent(x.testAccuracy().mean()), Format.percent(x.testAccuracy().min()),
          Format.percent(x.testAccuracy().max())));
      for (double t : s.thresholds()) {
        row.add(epochCell(x, t));
      }
      row.add(bestEpochCell(x));
      row.add(Format.seconds(x.secondsPerEpoch().mean()));
      row.add(Format.rate(x.samplesPerSecond()));
      rows.add(row);
    }
    Table results = new Table(header, rows);

    String resultsNote = "Test accuracy is the saved network's (the best validation check's with keep-best-validation), on the whole test set. \"Epoch reaching\" is the first "
        + "epoch after which the validation accuracy averaged over seeds reached the threshold; in brackets each seed's own. "
        + "\"Best validation epoch\" is each seed's epoch of its highest epoch-end validation accuracy. "
        + "Seconds per epoch count training only (validation excluded), averaged over epochs and seeds.";
    if (!s.timingWarning().isEmpty()) {
      resultsNote += " Timing: " + s.timingWarning();
    }
    List<String> stops = new ArrayList<>();
    for (ScalingSummary x : s.scalings()) {
      x.stoppedEarly().forEach(why -> stops.add(x.scaling() + ", " + why));
    }
    if (!stops.isEmpty()) {
      resultsNote += " Runs that stopped before their last epoch: " + String.join("; ", stops) + ". After a seed "
          + "stops, the bands and means of later epochs are over the seeds still running.";
    }
    String definitions = "Bands and brackets give the minimum and maximum over seeds. Train loss is the mean "
        + "minibatch loss over the epoch (with --trainer dl4j, DL4J's loss of the epoch's last averaging round); "
        + "validation loss is the mean cross-entropy on the validation split after the epoch.";
    return new Content("Normalization study: " + plan.dataset(), intro, Conclusion.paragraphs(s), results, resultsNote,
        perEpoch(s, true), perEpoch(s, false), definitions, paired(s), probes(s));
  }

  /** Whether the conditions are just the scalings (no learning rates or network variants compared). */
  private static boolean scalingsOnly(StudyResults.Plan plan) {
    return plan.conditions() == null || plan.conditions().equals(plan.scalings());
  }

  /** "7 (per seed: 6, 8)": the mean over seeds of each seed's best epoch, rounded, and each seed's. */
  private static String bestEpochCell(ScalingSummary x) {
    List<Integer> best = x.bestEpochPerSeed();
    String cell = String.valueOf(Math.round(best.stream().mapToInt(Integer::intValue).average().orElse(0)));
    return best.size() < 2 ? cell
        : cell + " (per seed: " + String.join(", ", best.stream().map(String::valueOf).toList()) + ")";
  }

  /** One row per seed and a pooled row per pair of conditions; null when no pair kept its predictions. */
  private static Table paired(StudySummary s) {
    if (s.pairedTests().isEmpty()) {
      return null;
    }
    List<List<String>> rows = new ArrayList<>();
    for (StudySummary.PairedTest t : s.pairedTests()) {
      for (StudySummary.SeedTest seed : t.perSeed()) {
        rows.add(pairedRow(t, "seed " + seed.seed(), seed.test()));
      }
      if (t.perSeed().size() > 1) {
        rows.add(pairedRow(t, "pooled over " + t.perSeed().size() + " seeds", t.pooled()));
      }
    }
    return new Table(List.of("first", "second", "runs", "only first right", "only second right", "p"), rows);
  }

  private static List<String> pairedRow(StudySummary.PairedTest t, String runs, McNemar m) {
    return List.of(t.first(), t.second(), runs, String.valueOf(m.onlyFirstRight()), String.valueOf(m.onlySecondRight()),
        Format.pValue(m.p()));
  }

  /** conv2's dead share and conv1's first gradient, every run that measured them; null when none did. */
  private static Table probes(StudySummary s) {
    if (s.probes().isEmpty()) {
      return null;
    }
    List<List<String>> rows = new ArrayList<>();
    for (StudySummary.ProbeRow p : s.probes()) {
      rows.add(List.of(p.condition(), String.valueOf(p.seed()), percentOrDash(p.conv2DeadAfterEpoch1()),
          percentOrDash(p.conv2DeadLast()) + " (epoch " + Math.round(p.lastEpoch()) + ")",
          p.conv1GradientAtStart() == null ? "—" : String.format(Locale.ROOT, "%.3g", p.conv1GradientAtStart())));
    }
    return new Table(List.of("condition", "seed", "conv2 dead after epoch 1", "conv2 dead at the last probe",
        "conv1 gradient norm before training"), rows);
  }

  private static String percentOrDash(Double fraction) {
    return fraction == null ? "—" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  /** How the runs trained: the trainer, minibatches, the optimizer and early stopping. */
  private static String training(StudySummary.Data d, StudyResults.Plan plan) {
    Map<String, Object> o = plan.options();
    String optimizer = Optimizer.SGD.label().equals(o.get("optimizer")) ? "plain SGD" : "Adam";
    String how = Trainer.SINGLE_JVM.label().equals(o.get("trainer"))
        ? "one JVM, plain fit without Spark or averaging (the Keras script's setting), minibatches of "
            + o.get("batch-size-per-worker")
        : "master " + d.master() + ", " + d.partitions() + " partitions, minibatches of " + o.get("batch-size-per-worker")
            + " per worker, averaging every " + o.get("averaging-frequency") + " minibatches";
    Object patience = o.get("early-stop-patience");
    String stop = patience == null || "0".equals(String.valueOf(patience)) ? ""
        : "; a run stops when its epoch-end validation accuracy has not improved for " + patience + " epochs";
    String rate = plan.learningRates() != null && !plan.learningRates().isEmpty()
        ? " learning rates " + String.join(", ", plan.learningRates().stream().map(Format::learningRate).toList())
        : " learning rate " + o.get("learning-rate");
    String network = plan.variants() != null && !plan.variants().isEmpty()
        ? "; networks " + String.join(", ", plan.variants()) + " (see network-variant in reference.conf)"
        : o.containsKey("network-variant") ? "; network " + o.get("network-variant") : "";
    return "Training: " + how + ", " + optimizer + rate + network + stop + ".";
  }

  /** "2 (per seed: 2, 2, 3)", or just "2" with one seed, or "not reached" when no seed reached it. */
  private static String epochCell(ScalingSummary x, double threshold) {
    String cell = Format.epoch(x.epochReaching(threshold));
    List<OptionalInt> perSeed = x.epochReachingPerSeed(threshold);
    if (perSeed.size() > 1 && perSeed.stream().anyMatch(OptionalInt::isPresent)) {
      List<String> each = new ArrayList<>();
      for (OptionalInt e : perSeed) {
        each.add(Format.epoch(e));
      }
      cell += " (per seed: " + String.join(", ", each) + ")";
    }
    return cell;
  }

  /** Epoch rows, one column per scaling: mean and, with several seeds, the range. */
  private static Table perEpoch(StudySummary s, boolean accuracy) {
    List<String> header = new ArrayList<>(List.of("epoch"));
    int epochs = 0;
    for (ScalingSummary x : s.scalings()) {
      header.add(x.scaling());
      epochs = Math.max(epochs, x.epochs());
    }
    List<List<String>> rows = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      List<String> row = new ArrayList<>(List.of(String.valueOf(e + 1)));
      for (ScalingSummary x : s.scalings()) {
        if (e >= x.epochs()) {
          row.add("—");
          continue;
        }
        Band b = (accuracy ? x.validationAccuracy() : x.trainLoss()).get(e);
        String cell = accuracy ? Format.percent(b.mean()) : Format.loss(b.mean());
        if (x.seeds().size() > 1) {
          cell += accuracy ? " (" + Format.percentRange(b.min(), b.max()) + ")" : " (" + Format.loss(b.min()) + "–" + Format.loss(b.max()) + ")";
        }
        row.add(cell);
      }
      rows.add(row);
    }
    return new Table(header, rows);
  }

  private static void markdownTable(StringBuilder b, Table t) {
    b.append("| ").append(String.join(" | ", t.header())).append(" |\n|");
    for (int i = 0; i < t.header().size(); i++) {
      b.append(i == 0 ? "---|" : "--:|");
    }
    b.append('\n');
    for (List<String> row : t.rows()) {
      b.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
  }

  private static String joinNumbers(List<Long> numbers) {
    return String.join(", ", numbers.stream().map(String::valueOf).toList());
  }
}
