package org.mnistspark.train;

import java.io.Serializable;

/**
 * What the workers of one averaging round send back, summed over workers: the weighted model
 * sum, the images and loss they fitted, and how long they spent fitting versus copying state.
 * A plain class, not a record: Spark's Kryo cannot rebuild records.
 */
final class RoundResult implements Serializable {
  private static final long serialVersionUID = 1L;
  ModelState.Sum model;
  long images;
  double lossSum;
  long fitNanos;
  long maxFitNanos;
  long stateNanos;
  int workers;

  static RoundResult of(ModelState.Sum model, long images, double lossSum, long fitNanos, long stateNanos) {
    RoundResult r = new RoundResult();
    r.model = model;
    r.images = images;
    r.lossSum = lossSum;
    r.fitNanos = fitNanos;
    r.maxFitNanos = fitNanos;
    r.stateNanos = stateNanos;
    r.workers = 1;
    return r;
  }

  RoundResult add(RoundResult o) {
    model = model.add(o.model);
    images += o.images;
    lossSum += o.lossSum;
    fitNanos += o.fitNanos;
    maxFitNanos = Math.max(maxFitNanos, o.maxFitNanos);
    stateNanos += o.stateNanos;
    workers += o.workers;
    return this;
  }
}
