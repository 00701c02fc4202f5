package org.mnistspark.use;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.Settings;
import org.mnistspark.config.SettingsOptions;
import org.mnistspark.config.TableConfig;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.OutputLock;
import org.mnistspark.spark.SparkSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Batch scoring of unlabelled images with a saved model, distributed over Spark executors. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Score unlabelled images with a saved model.zip and the scaler stored in it, distributed over "
        + "Spark executors: an IDX image file, a table (docs/tables.md), or a folder of 28x28 8-bit grayscale PNGs.",
        "Writes one record per image (source, index, file or id, predicted class, p0..p9) to --out as part-00000.csv, "
            + "part-00001.csv, ... (one per partition) or .jsonl, plus _SUCCESS and manifest.json, all or nothing."})
public final class PredictCommand implements Callable<Integer>, Configurable {
  private static final Logger log = LoggerFactory.getLogger(PredictCommand.class);
  /** The kind of output folder predict writes, as its manifest records it. */
  public static final String KIND = "predict";
  /** Spark's marker of a complete output, for tools that wait for it; the manifest is what this job checks. */
  public static final String SUCCESS = "_SUCCESS";

  @Mixin UseOptions use;
  private final SettingsOptions settings = UseOptions.settings("table.label-column", "table.image-column");
  @Spec CommandSpec spec;

  @Option(names = "--images", required = true, paramLabel = "PATH", description = "An IDX image file (raw or .gz), "
      + "a table (Parquet, ORC or CSV, docs/tables.md; id: its id column, else the row's position), or a folder of 28x28 8-bit "
      + "grayscale PNG files, any Hadoop path. Other PNGs are refused, naming the file.")
  String images;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv",
      description = "csv (with a header line in each part file), jsonl or parquet (read the parts with "
          + "spark.read.parquet(OUT + \"/part-*.parquet\")) (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() throws Exception {
    PredictionFormat output = PredictionFormat.parse(format);
    Settings all = settings.resolve();
    JobConfig config = all.job();
    SparkConf sparkConf = SparkSetup.sparkConf(config).setAppName("mnist-predict");
    Configuration hadoop = SparkSetup.hadoopConf(sparkConf);

    // The options, the model and an IDX file are checked here, before Spark starts; a table and PNGs
    // are checked where they are read, before anything is written.
    OutputFolder out = OutputFolder.open("--out", use.out, KIND, hadoop);
    try (OutputLock lock = OutputLock.acquire(out, Duration.ofSeconds(config.outLockWait()))) {
      predict(config, all.table(), sparkConf, hadoop, out, output);
    }
    return 0;
  }

  private void predict(JobConfig config, TableConfig columns, SparkConf sparkConf, Configuration hadoop, OutputFolder out,
      PredictionFormat output) throws Exception {
    StoredModel model = StoredModel.read(use.model, hadoop);
    PredictionInput input = PredictionInput.open(images, columns, hadoop);
    log.info("predicting the images of {} with {} (scaling {})", input.location(), model.path(), model.scaling());

    DistributedPrediction.Scored scored;
    try (JavaSparkContext sc = SparkSetup.start(sparkConf, new SparkSetup.TaskCounter())) {
      // nothing is written until every partition is scored and none refused a file
      scored = DistributedPrediction.predict(sc, model, input, config.partitions() > 0 ? config.partitions()
          : sc.defaultParallelism(), config.evalBatchSize(), output, PredictCommand::refuseBadFiles,
          slices -> write(out, slices, output, input.idColumn()));
    }
    report(input, scored, out);
  }

  /** @throws InvalidInputException naming the first file (in name order) that could not be scored */
  private static void refuseBadFiles(List<PartitionOutput> parts) throws InvalidInputException {
    List<PartitionOutput> refused = parts.stream().filter(p -> p.problem != null).toList();
    if (!refused.isEmpty()) {
      String more = refused.size() > 1 ? " (and at least " + (refused.size() - 1) + " more bad file(s))" : "";
      throw new InvalidInputException(refused.get(0).refusedFile, refused.get(0).problem + more + "; nothing was written");
    }
  }

  /** Streams each partition's slices into its part file, in partition order, all or nothing. */
  private static void write(OutputFolder out, Iterator<PartitionOutput> slices, PredictionFormat format, String idColumn)
      throws IOException {
    if (format == PredictionFormat.PARQUET) {
      writeParquet(out, slices, idColumn);
      return;
    }
    out.replace(staging -> {
      OutputStream part = null;
      int partition = -1;
      try {
        while (slices.hasNext()) {
          PartitionOutput slice = slices.next();
          if (slice.partition != partition) {
            if (part != null) {
              part.close();
            }
            partition = slice.partition;
            part = staging.create(format.partFile(partition));
          }
          part.write(slice.text);
        }
      } finally {
        if (part != null) {
          part.close();
        }
      }
      staging.write(SUCCESS, new byte[0]);
    });
  }

  private static void writeParquet(OutputFolder out, Iterator<PartitionOutput> slices, String idColumn) throws IOException {
    out.replace(staging -> {
      try (ParquetParts parts = new ParquetParts(staging, idColumn)) {
        int partition = -1;
        while (slices.hasNext()) {
          PartitionOutput slice = slices.next();
          if (slice.partition != partition) {
            partition = slice.partition;
            parts.start(PredictionFormat.PARQUET.partFile(partition));
          }
          parts.add(slice.text);
        }
      }
      staging.write(SUCCESS, new byte[0]);
    });
  }

  private void report(PredictionInput input, DistributedPrediction.Scored scored, OutputFolder out) {
    var stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "predict: scored %d images of %s in %.1f s (%.0f images/s); wrote %d part file(s) to %s%n",
        scored.images(), input.location(), scored.seconds(), scored.images() / scored.seconds(), scored.partFiles(), out);
    stdout.flush();
  }

  @Override
  public SettingsOptions settings() {
    return settings;
  }
}
