package org.mnistspark.data;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.SdkClientException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.s3a.auth.NoAuthWithAWSException;
import org.mnistspark.Messages;

/**
 * Why a request to S3 failed, in one line. S3A's own messages repeat the path, the exception
 * classes and the SDK's diagnostics two or three times over; the cause chain says it shorter.
 */
final class S3aFailure {
  private S3aFailure() {}

  /** @param hadoop the settings the request was made with, for the endpoint it went to */
  static String describe(Throwable e, Configuration hadoop) {
    Optional<NoAuthWithAWSException> noCredentials = find(e, NoAuthWithAWSException.class);
    if (noCredentials.isPresent()) {
      // the default chain's message goes on with each provider's complaint after " : "
      return "no AWS credentials: " + noCredentials.get().getMessage().split(" : ", 2)[0]
          + "; set fs.s3a.access.key and fs.s3a.secret.key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    }
    Optional<AmazonServiceException> refused = find(e, AmazonServiceException.class);
    if (refused.isPresent()) {
      AmazonServiceException s = refused.get();
      return "S3 answered " + s.getStatusCode() + " " + s.getErrorCode() + ": " + s.getErrorMessage();
    }
    if (find(e, SdkClientException.class).isPresent()) {
      String endpoint = hadoop.getTrimmed("fs.s3a.endpoint", "");
      return "no answer from " + (endpoint.isEmpty() ? "AWS S3 (no fs.s3a.endpoint set)" : endpoint) + ": "
          + Messages.firstLine(rootCause(e));
    }
    return Messages.firstLine(e);
  }

  private static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
