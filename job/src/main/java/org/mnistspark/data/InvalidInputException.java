package org.mnistspark.data;

import java.io.IOException;

/**
 * An input file exists but does not hold what the job needs. A corrupt file is not a caller's
 * mistake, so this is an I/O failure rather than an argument check; its message is one line that
 * names the file and says what is wrong.
 */
public final class InvalidInputException extends IOException {
  public InvalidInputException(String file, String problem) {
    super(file + ": " + problem);
  }
}
