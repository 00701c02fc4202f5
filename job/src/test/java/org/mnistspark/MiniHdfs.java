package org.mnistspark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS in this JVM for a test: a MiniDFSCluster, a NameNode and one DataNode with real RPC
 * on loopback, its storage under a folder the test owns. Close it to stop it.
 */
public final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;
  private final FileSystem fs;

  private MiniHdfs(MiniDFSCluster cluster) throws IOException {
    this.cluster = cluster;
    this.fs = cluster.getFileSystem();
  }

  /** Starts one with its storage in {@code baseDir} and waits until it is up. */
  public static MiniHdfs start(Path baseDir) throws IOException {
    return start(baseDir, conf -> {});
  }

  /** As {@link #start(Path)}, with {@code settings} applied to its configuration first. */
  public static MiniHdfs start(Path baseDir, Consumer<Configuration> settings) throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
    settings.accept(conf);
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    return new MiniHdfs(cluster);
  }

  /** The cluster itself. */
  public MiniDFSCluster cluster() {
    return cluster;
  }

  /** A client of its file system. */
  public FileSystem fs() {
    return fs;
  }

  /** Its root URI, hdfs://127.0.0.1:PORT. */
  public String uri() {
    return fs.getUri().toString();
  }

  @Override
  public void close() throws IOException {
    fs.close();
    cluster.shutdown();
  }
}
