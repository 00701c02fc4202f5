package org.mnistspark.lock;

/** What tests in other packages may do to a lock that the job never does from outside this package. */
public final class LockHooks {
  private LockHooks() {}

  /** One heartbeat now, as the renewal thread would. */
  public static void renewNow(LeaseLock lock) {
    lock.renewNow();
  }

  /** Stops renewing, as a hung holder would. */
  public static void stopRenewing(LeaseLock lock) {
    lock.stopRenewing();
  }

  public static boolean sharesPids(ProcessIdentity a, ProcessIdentity b) {
    return a.sharesPidsWith(b);
  }
}
