package org.mnistspark.cli;

import java.util.concurrent.Callable;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.SettingsOptions;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.pipeline.Resumption;
import org.mnistspark.pipeline.TrainingPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** load -> shard -> scale -> train -> evaluate -> save, once: {@link TrainingPipeline#run}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the LeNet on MNIST with Spark parameter averaging, evaluate it, save it.")
public final class TrainCommand implements Callable<Integer>, Configurable {
  private final SettingsOptions settings = SettingsOptions.jobAnd("table");

  @Option(names = "--resume", description = "Continue the unfinished run at --out from its newest checkpoint "
      + "(OUT.checkpoints/): the same options except epochs, out, out-lock-wait, data (same content), master, "
      + "threads-per-task, checkpoint-every-epochs and keep-checkpoints; exit 2 naming the first difference, or when "
      + "there is none.")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    org.mnistspark.config.Settings all = settings.resolve();
    JobConfig config = all.job();
    TrainingPipeline.of(config).run(config, all.table(),
        resume ? new Resumption.Request(Checkpoints.locationBeside(config.out()), true) : null);
    return 0;
  }

  @Override
  public SettingsOptions settings() {
    return settings;
  }
}
