package org.mnistspark.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

  /**
   * A read-only bucket holding {@code objects} (key to content), answering the three requests
   * S3A reads with: HEAD and ranged GET of an object, and version 2 listings of a prefix. Anything
   * else is S3's 404 NoSuchKey.
   */
  public static HttpServer serving(Map<String, byte[]> objects) throws IOException {
    return serve(exchange -> {
      URI uri = exchange.getRequestURI();
      String key = uri.getPath().replaceFirst("^/[^/]+/?", "");
      Map<String, String> query = query(uri);
      if (query.containsKey("list-type")) {
        respond(exchange, 200, listing(objects, query.getOrDefault("prefix", "")));
      } else if (objects.containsKey(key)) {
        sendObject(exchange, objects.get(key));
      } else {
        respond(exchange, 404, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
            + "<Message>The specified key does not exist.</Message><Key>" + key + "</Key></Error>");
      }
    });
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new TreeMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        q.put(kv[0], kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return q;
  }

  private static String listing(Map<String, byte[]> objects, String prefix) {
    StringBuilder contents = new StringBuilder();
    int count = 0;
    for (var e : new TreeMap<>(objects).entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        count++;
        contents.append("<Contents><Key>").append(e.getKey()).append("</Key><LastModified>")
            .append("2022-10-12T17:50:30.000Z</LastModified><ETag>").append(etag(e.getValue()))
            .append("</ETag><Size>").append(e.getValue().length).append("</Size><StorageClass>STANDARD")
            .append("</StorageClass></Contents>");
      }
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        + "<Name>bucket</Name><Prefix>" + prefix + "</Prefix><KeyCount>" + count + "</KeyCount><MaxKeys>1000</MaxKeys>"
        + "<IsTruncated>false</IsTruncated>" + contents + "</ListBucketResult>";
  }

  /** The whole object for HEAD, the requested bytes (Range: bytes=FROM-TO) for GET. */
  private static void sendObject(HttpExchange exchange, byte[] content) throws IOException {
    exchange.getResponseHeaders().add("Last-Modified", "Wed, 12 Oct 2022 17:50:30 GMT");
    exchange.getResponseHeaders().add("ETag", etag(content));
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().add("Content-Length", String.valueOf(content.length));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
      return;
    }
    int from = 0;
    int to = content.length - 1;
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null) {
      String[] bounds = range.replace("bytes=", "").split("-");
      from = Integer.parseInt(bounds[0]);
      to = Math.min(to, Integer.parseInt(bounds[1]));
      exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + content.length);
    }
    exchange.sendResponseHeaders(range == null ? 200 : 206, to - from + 1);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(content, from, to - from + 1);
    }
    exchange.close();
  }

  private static String etag(byte[] content) {
    try {
      return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
