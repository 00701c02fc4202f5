package org.mnistspark;

/** How the job quotes an exception inside its own one-line messages. */
public final class Messages {
  private Messages() {}

  /** The first line of {@code e}'s message (a stack of causes or a server's page can follow it), or its type if it has none. */
  public static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
