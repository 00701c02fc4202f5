package org.mnistspark.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads a 28x28 8-bit grayscale PNG (MNIST's own format: one byte per pixel, 0 = background).
 * Anything else is refused rather than converted, since a resized or colour-mixed image would be
 * scored as if it were MNIST-like and the scores would mean little. The header is checked before
 * the image is decoded, so a PNG declaring huge dimensions is refused without allocating them.
 */
public final class PngImages {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  /** Signature, IHDR length and type, width, height, bit depth, colour type. */
  private static final int HEADER = 26;
  private static final int GRAYSCALE = 0;

  /** Far above any 28x28 PNG (under 1 KB for MNIST's); stops a mislabelled large file from filling the heap. */
  private static final int MAX_BYTES = 1 << 20;

  private PngImages() {}

  /**
   * The pixels of the PNG file {@code file}, row after row.
   *
   * @throws IllegalArgumentException saying what is wrong, if it is not a 28x28 8-bit grayscale PNG
   * @throws IOException if it cannot be read
   */
  public static byte[] read(Path file, Configuration hadoop) throws IOException {
    byte[] content;
    try (InputStream in = file.getFileSystem(hadoop).open(file)) {
      content = in.readNBytes(MAX_BYTES + 1);
    }
    if (content.length > MAX_BYTES) {
      throw new IllegalArgumentException("is larger than " + MAX_BYTES + " bytes, too large for a 28x28 PNG");
    }
    return pixels(content);
  }

  /**
   * The pixels of {@code png}, row after row.
   *
   * @throws IllegalArgumentException saying what is wrong, if it is not a 28x28 8-bit grayscale PNG
   */
  public static byte[] pixels(byte[] png) {
    checkHeader(png);
    BufferedImage image;
    try {
      image = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(png)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("is not a readable PNG (" + e.getMessage() + ")");
    }
    if (image == null || image.getType() != BufferedImage.TYPE_BYTE_GRAY) {
      throw new IllegalArgumentException("is not a readable 8-bit grayscale PNG");
    }
    byte[] pixels = new byte[LabeledImages.PIXELS];
    image.getRaster().getDataElements(0, 0, LabeledImages.COLUMNS, LabeledImages.ROWS, pixels);
    return pixels;
  }

  private static void checkHeader(byte[] png) {
    if (png.length < HEADER || !Arrays.equals(png, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)
        || !"IHDR".equals(new String(png, 12, 4, java.nio.charset.StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("is not a PNG file");
    }
    ByteBuffer b = ByteBuffer.wrap(png); // big-endian, as PNG is
    int width = b.getInt(16);
    int height = b.getInt(20);
    int bitDepth = png[24];
    int colourType = png[25];
    if (width != LabeledImages.COLUMNS || height != LabeledImages.ROWS) {
      throw new IllegalArgumentException("is " + Integer.toUnsignedString(width) + "x" + Integer.toUnsignedString(height)
          + ", expected 28x28 (8-bit grayscale, as MNIST)");
    }
    if (colourType != GRAYSCALE || bitDepth != 8) {
      throw new IllegalArgumentException("is " + kind(colourType, bitDepth) + ", expected 8-bit grayscale (as MNIST)");
    }
  }

  private static String kind(int colourType, int bitDepth) {
    String colour = switch (colourType) {
      case 0 -> "grayscale";
      case 2 -> "RGB colour";
      case 3 -> "palette colour";
      case 4 -> "grayscale with alpha";
      case 6 -> "RGBA colour";
      default -> "PNG colour type " + colourType;
    };
    return bitDepth + "-bit " + colour;
  }
}
