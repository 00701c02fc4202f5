package org.mnistspark.study;

import java.util.ArrayList;
import java.util.List;
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

  /** The plots as PNG bytes, embedded by the HTML report; mechanism is null when no run measured it. */
  public record Images(byte[] accuracy, byte[] loss, byte[] curveImages, byte[] curveSeconds, byte[] mechanism) {}

  private static final String MECHANISM_TITLE = "Inside the network: pre-activation scale, dead ReLUs, gradient norms";
  private static final String MECHANISM_NOTE = "Measured on the same 256 validation images before training and after "
      + "epochs 1, 2, 4, 8, ... and the last, in each scaling's first seed: the first convolution's pre-activation "
      + "|W*x + b| (mean, thick; max, thin), the share of ReLU units that output 0 for every probe image, and the L2 "
      + "norm of the mean loss's gradient per layer. Every seed's numbers are in results.json (mechanism).";

  private Report() {}

  /** The report's text blocks, shared by both renderings. */
  private record Content(String title, List<String> intro, List<String> conclusion, Table results, String resultsNote,
      Table validation, Table loss, String definitions) {}

  /** The Markdown report, linking the PNGs beside it; the mechanism section only when {@code withMechanism}. */
  public static String markdown(StudySummary s, String updatedAt, boolean withMechanism) {
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
    Map<String, Object> o = plan.options();
    List<String> intro = List.of(
        "Does scaling the pixels change the accuracy the LeNet reaches, or only how fast it gets there? Each scaling "
            + "was trained under the same seeds, on the same partitions, with every other option equal.",
        "Runs: " + s.finished() + " of " + s.planned() + " planned; scalings " + String.join(", ", plan.scalings())
            + "; seeds " + joinNumbers(plan.seeds()) + "; " + Format.epochs(plan.epochs()) + " per run.",
        "Data: " + plan.dataset() + ", " + d.trainImages() + " training, " + d.validationImages() + " validation and "
            + d.testImages() + " test images.",
        training(d, o),
        "Results as of " + (updatedAt == null ? "(none)" : updatedAt) + "; every number here comes from results.json beside this report.");

    List<String> header = new ArrayList<>(List.of("scaling", "seeds", "test accuracy mean", "min", "max"));
    for (double t : s.thresholds()) {
      header.add("epoch reaching " + Format.threshold(t));
    }
    header.addAll(List.of("seconds per epoch", "images per second"));
    List<List<String>> rows = new ArrayList<>();
    for (ScalingSummary x : s.scalings()) {
      List<String> row = new ArrayList<>(List.of(x.scaling(), String.valueOf(x.seeds().size()),
          Format.percent(x.testAccuracy().mean()), Format.percent(x.testAccuracy().min()),
          Format.percent(x.testAccuracy().max())));
      for (double t : s.thresholds()) {
        row.add(epochCell(x, t));
      }
      row.add(Format.seconds(x.secondsPerEpoch().mean()));
      row.add(Format.rate(x.samplesPerSecond()));
      rows.add(row);
    }
    Table results = new Table(header, rows);

    String resultsNote = "Test accuracy is the saved network's (the best validation check's with keep-best-validation), on the whole test set. \"Epoch reaching\" is the first "
        + "epoch after which the validation accuracy averaged over seeds reached the threshold; in brackets each seed's own. "
        + "Seconds per epoch count training only (validation excluded), averaged over epochs and seeds.";
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
        perEpoch(s, true), perEpoch(s, false), definitions);
  }

  /** How the runs trained: the trainer, minibatches, the optimizer and early stopping. */
  private static String training(StudySummary.Data d, Map<String, Object> o) {
    String optimizer = Optimizer.SGD.label().equals(o.get("optimizer")) ? "plain SGD" : "Adam";
    String how = Trainer.SINGLE_JVM.label().equals(o.get("trainer"))
        ? "one JVM, plain fit without Spark or averaging (the Keras script's setting), minibatches of "
            + o.get("batch-size-per-worker")
        : "master " + d.master() + ", " + d.partitions() + " partitions, minibatches of " + o.get("batch-size-per-worker")
            + " per worker, averaging every " + o.get("averaging-frequency") + " minibatches";
    Object patience = o.get("early-stop-patience");
    String stop = patience == null || "0".equals(String.valueOf(patience)) ? ""
        : "; a run stops when its epoch-end validation accuracy has not improved for " + patience + " epochs";
    return "Training: " + how + ", " + optimizer + " learning rate " + o.get("learning-rate") + stop + ".";
  }

  /** "2 (per seed: 2, 2, 3)", or just "2" with one seed. */
  private static String epochCell(ScalingSummary x, double threshold) {
    String cell = Format.epoch(x.epochReaching(threshold));
    if (x.seeds().size() > 1) {
      List<String> each = new ArrayList<>();
      for (OptionalInt e : x.epochReachingPerSeed(threshold)) {
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
