package org.nd4j.nativeblas;

/**
 * Works around a packaging bug in DL4J 1.0.0-M2 (and M2.1): its oneDNN layer helpers look for
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment}, but ND4J ships that class as
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}. Without this bridge the
 * helpers are always removed and convolutions fall back to im2col + gemm. This class only
 * forwards the one question DL4J asks to the real class.
 */
public final class Nd4jCpu {
  private Nd4jCpu() {}

  /** The accessor and the one question DL4J's BaseMKLDNNHelper calls by reflection. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    public boolean isUseMKLDNN() {
      return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }
  }
}
