package org.mnistspark.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.scale.PixelScaler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class MinibatchAssemblerTest {
  private static final PixelScaler MINMAX = PixelScaler.minmax();

  /** {@code n} images with distinct pixels; labels cycle 3, 4, ... mod 10. */
  private static LabeledImages images(int n) {
    byte[] pixels = new byte[n * LabeledImages.PIXELS];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 31 + i / 784);
    }
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) ((i + 3) % 10);
    }
    return new LabeledImages(pixels, labels);
  }

  private static void assertBatch(DataSet batch, LabeledImages images, int from, int n, PixelScaler scaler) {
    INDArray f = batch.getFeatures();
    INDArray l = batch.getLabels();
    assertThat(f.shape()).containsExactly(n, 1, 28, 28);
    assertThat(f.dataType()).isEqualTo(DataType.FLOAT);
    assertThat(l.shape()).containsExactly(n, 10);
    for (int i = 0; i < n; i++) {
      LabeledImage im = images.get(from + i);
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          float expected = scaler.apply(im.pixels()[r * 28 + c] & 0xff);
          float actual = f.getFloat(i, 0, r, c);
          if (actual != expected) {
            throw new AssertionError("image " + (from + i) + " pixel (" + r + "," + c + ") is " + actual
                + ", expected " + expected);
          }
        }
      }
      for (int k = 0; k < 10; k++) {
        assertThat(l.getFloat(i, k)).as("label row %d class %d", from + i, k)
            .isEqualTo(k == im.label() ? 1f : 0f);
      }
    }
  }

  @Test
  void batchesOfTheGivenSizeWithARemainder() {
    LabeledImages images = images(7);
    List<DataSet> batches = new MinibatchAssembler(MINMAX, 3).assemble(images);
    assertThat(batches).extracting(DataSet::numExamples).containsExactly(3, 3, 1);
    assertBatch(batches.get(0), images, 0, 3, MINMAX);
    assertBatch(batches.get(1), images, 3, 3, MINMAX);
    assertBatch(batches.get(2), images, 6, 1, MINMAX);
  }

  @Test
  void minmaxValuesLieInZeroToOne() {
    LabeledImages images = images(4);
    DataSet b = new MinibatchAssembler(MINMAX, 4).assemble(images).get(0);
    assertThat(b.getFeatures().minNumber().doubleValue()).isEqualTo(0.0);
    assertThat(b.getFeatures().maxNumber().doubleValue()).isEqualTo(1.0);
    // first image, first pixel: byte 0 -> 0; second pixel: byte 31 -> 31/255
    assertThat(b.getFeatures().getFloat(0, 0, 0, 1)).isEqualTo(31f / 255f);
  }

  @Test
  void standardizedValues() {
    PixelScaler s = PixelScaler.standardized(33.3, 78.6);
    LabeledImages images = images(5);
    List<DataSet> batches = new MinibatchAssembler(s, 2).assemble(images);
    assertThat(batches).extracting(DataSet::numExamples).containsExactly(2, 2, 1);
    for (int b = 0; b < 3; b++) {
      assertBatch(batches.get(b), images, 2 * b, batches.get(b).numExamples(), s);
    }
  }

  @Test
  void partitionMapGivesTheSameBatchesAsTheDriver() {
    LabeledImages images = images(10);
    MinibatchAssembler assembler = new MinibatchAssembler(MINMAX, 4);
    List<DataSet> onDriver = assembler.assemble(images);
    List<DataSet> mapped = new ArrayList<>();
    Iterator<DataSet> it = assembler.call(images.all().iterator());
    it.forEachRemaining(mapped::add);
    assertThat(mapped).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(mapped.get(i).getFeatures()).isEqualTo(onDriver.get(i).getFeatures());
      assertThat(mapped.get(i).getLabels()).isEqualTo(onDriver.get(i).getLabels());
    }
    assertThat(assembler.call(List.<LabeledImage>of().iterator()).hasNext()).isFalse();
  }

  @Test
  void exactMultipleHasNoRemainder() {
    assertThat(new MinibatchAssembler(MINMAX, 3).assemble(images(6)))
        .extracting(DataSet::numExamples).containsExactly(3, 3);
  }
}
