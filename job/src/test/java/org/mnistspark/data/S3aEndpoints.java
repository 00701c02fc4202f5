package org.mnistspark.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * S3 endpoints on this machine for S3A to talk to, since no real store is reachable from the
 * tests: a port nothing listens on, and small HTTP servers that answer every request the one
 * way S3 does for one situation. Settings are spark.hadoop.* keys, as spark-submit's --conf
 * passes them to the job.
 */
public final class S3aEndpoints {
  private S3aEndpoints() {}

  /** Settings for an S3 endpoint at 127.0.0.1:{@code port}, with or without credentials. */
  public static Map<String, String> settings(int port, boolean withCredentials) {
    Map<String, String> s = new TreeMap<>();
    s.put("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + port);
    // the bucket goes in the path: as a host name (bucket.127.0.0.1) it would not resolve
    s.put("spark.hadoop.fs.s3a.path.style.access", "true");
    // only the keys below: not the environment or an EC2 instance role of the machine running the tests
    s.put("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    if (withCredentials) {
      s.put("spark.hadoop.fs.s3a.access.key", "AKIAIOSFODNN7EXAMPLE");
      s.put("spark.hadoop.fs.s3a.secret.key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    }
    return s;
  }

  /** A port on 127.0.0.1 that was free a moment ago, so a connection to it is refused. */
  public static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Answers every request as S3 does when the bucket does not exist (404, NoSuchBucket). */
  public static HttpServer withoutBuckets() throws IOException {
    return serve(exchange -> {
      String bucket = exchange.getRequestURI().getPath().split("/")[1];
      respond(exchange, 404, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
          + "<Message>The specified bucket does not exist</Message><BucketName>" + bucket + "</BucketName>"
          + "<RequestId>4442587FB7D0A2F9</RequestId></Error>");
    });
  }

  /** Answers every request as S3 answers a HEAD for an object that exists. */
  public static HttpServer withEveryObject() throws IOException {
    return serve(exchange -> {
      exchange.getResponseHeaders().add("Last-Modified", "Wed, 12 Oct 2022 17:50:00 GMT");
      exchange.getResponseHeaders().add("ETag", "\"fba9dede5f27731c9771645a39863328\"");
      exchange.getResponseHeaders().add("Content-Length", "784");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private static HttpServer serve(Handler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", handler::handle);
    server.start();
    return server;
  }

  private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] body = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/xml");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }
}
