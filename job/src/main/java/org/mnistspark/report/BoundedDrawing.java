package org.mnistspark.report;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws report files on a thread of their own, within a time limit, and gives up on them rather
 * than on what they describe: a report only restates metrics.json, so a run whose charts fail or
 * hang (XChart 3.8.8 loops forever on some tick labels) still saves its model.
 */
public final class BoundedDrawing {
  private static final Logger log = LoggerFactory.getLogger(BoundedDrawing.class);

  private BoundedDrawing() {}

  /** The files {@code drawing} returns, or none when it fails or is not done within {@code seconds}. */
  public static Map<String, byte[]> draw(String what, Callable<Map<String, byte[]>> drawing, long seconds) {
    long start = System.nanoTime();
    FutureTask<Map<String, byte[]>> task = new FutureTask<>(drawing);
    Thread thread = new Thread(task, "draw " + what);
    // a drawing stuck in a loop must not keep the JVM alive after the job
    thread.setDaemon(true);
    thread.start();
    try {
      Map<String, byte[]> files = task.get(seconds, TimeUnit.SECONDS);
      long bytes = files.values().stream().mapToLong(f -> f.length).sum();
      log.info("drew the {}: {} files, {} KB, in {} ms", what, files.size(), bytes / 1024,
          (System.nanoTime() - start) / 1_000_000);
      return files;
    } catch (TimeoutException e) {
      task.cancel(true);
      log.error("the {} was not drawn within {} s; saving without it", what, seconds);
    } catch (ExecutionException e) {
      log.error("could not draw the {} ({}); saving without it", what, e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      task.cancel(true);
      log.error("interrupted while drawing the {}; saving without it", what);
    }
    return Map.of();
  }
}
