package org.mnistspark.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The prober's quantities computed a second way: layers as plain Java loops in double, and the
 * gradient norm as a finite difference of the loss, so that a test compares against something
 * that shares no code with DL4J's layers.
 */
final class PlainForward {
  private PlainForward() {}

  record Stats(double meanAbs, double maxAbs, double deadFraction) {}

  /** A 'same'-padded, stride-1 cross-correlation: x [n, c, h, w], weights [out, c, k, k]; z in NCHW order. */
  static double[] conv(INDArray x, INDArray weights, INDArray bias) {
    int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
    int out = (int) weights.size(0), k = (int) weights.size(2), pad = k / 2;
    double[] in = flat(x);
    double[] wt = flat(weights);
    double[] b = flat(bias);
    double[] z = new double[n * out * h * w];
    int at = 0;
    for (int i = 0; i < n; i++) {
      for (int o = 0; o < out; o++) {
        for (int y = 0; y < h; y++) {
          for (int xx = 0; xx < w; xx++) {
            double sum = b[o];
            for (int ch = 0; ch < c; ch++) {
              for (int dy = 0; dy < k; dy++) {
                int sy = y + dy - pad;
                if (sy < 0 || sy >= h) {
                  continue;
                }
                for (int dx = 0; dx < k; dx++) {
                  int sx = xx + dx - pad;
                  if (sx >= 0 && sx < w) {
                    sum += in[((i * c + ch) * h + sy) * w + sx] * wt[((o * c + ch) * k + dy) * k + dx];
                  }
                }
              }
            }
            z[at++] = sum;
          }
        }
      }
    }
    return z;
  }

  /** x [n, c, h, w] flattened per image in (c, y, x) order, times weights [c*h*w, out], plus bias. */
  static double[] dense(INDArray x, INDArray weights, INDArray bias) {
    int n = (int) x.size(0);
    int features = (int) (x.length() / n);
    int out = (int) weights.size(1);
    double[] in = flat(x);
    double[][] wt = weights.toDoubleMatrix();
    double[] b = flat(bias);
    double[] z = new double[n * out];
    for (int i = 0; i < n; i++) {
      for (int o = 0; o < out; o++) {
        double sum = b[o];
        for (int f = 0; f < features; f++) {
          sum += in[i * features + f] * wt[f][o];
        }
        z[i * out + o] = sum;
      }
    }
    return z;
  }

  /** All elements in row-major (NCHW) order. */
  private static double[] flat(INDArray a) {
    return a.reshape('c', new long[] {a.length()}).toDoubleVector();
  }

  /** Mean and max |z|, and the share of units with z <= 0 (ReLU output 0) in all {@code n} images. */
  static Stats stats(double[] z, int n) {
    int units = z.length / n;
    double sum = 0;
    double max = 0;
    int dead = 0;
    for (int u = 0; u < units; u++) {
      boolean allOff = true;
      for (int i = 0; i < n; i++) {
        double v = z[i * units + u];
        sum += Math.abs(v);
        max = Math.max(max, Math.abs(v));
        allOff &= v <= 0;
      }
      dead += allOff ? 1 : 0;
    }
    return new Stats(sum / z.length, max, (double) dead / units);
  }

  /**
   * The slope of the mean loss along the direction of its gradient with respect to layer
   * {@code index}'s parameters: a central difference, which equals that gradient's norm. The
   * direction comes from DL4J's gradient, but its length does not, so a wrong factor (a sum
   * instead of a mean) shows.
   */
  static double slopeAlongGradient(MultiLayerNetwork net, DataSet data, int index, double step) {
    MultiLayerNetwork copy = net.clone();
    copy.setInput(data.getFeatures());
    copy.setLabels(data.getLabels());
    copy.computeGradientAndScore();
    INDArray gW = copy.gradient().getGradientFor(index + "_W").dup();
    INDArray gb = copy.gradient().getGradientFor(index + "_b").dup();
    double length = Math.sqrt(Math.pow(gW.norm2Number().doubleValue(), 2) + Math.pow(gb.norm2Number().doubleValue(), 2));
    INDArray w = copy.getParam(index + "_W").dup();
    INDArray b = copy.getParam(index + "_b").dup();
    double up = scoreAt(copy, data, index, w.add(gW.mul(step / length)), b.add(gb.mul(step / length)));
    double down = scoreAt(copy, data, index, w.sub(gW.mul(step / length)), b.sub(gb.mul(step / length)));
    return (up - down) / (2 * step);
  }

  private static double scoreAt(MultiLayerNetwork net, DataSet data, int index, INDArray w, INDArray b) {
    net.setParam(index + "_W", w);
    net.setParam(index + "_b", b);
    return net.score(data, false);
  }
}
