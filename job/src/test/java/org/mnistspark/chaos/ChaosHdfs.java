package org.mnistspark.chaos;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.DatanodeInfo;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.mnistspark.ChildJvm;

/**
 * A real HDFS for the chaos run: a MiniDFSCluster (the NameNode and a first DataNode) in this JVM,
 * and a second DataNode in a JVM of its own, which a fault can kill -9. Files are written with two
 * replicas, so losing the second DataNode loses no data.
 */
final class ChaosHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;
  private final DistributedFileSystem fs;
  private final Configuration client;
  private final Path secondStorage;
  private final Path log;
  private Process second;

  private ChaosHdfs(MiniDFSCluster cluster, Configuration client, Path secondStorage, Path log) throws IOException {
    this.cluster = cluster;
    this.client = client;
    this.fs = (DistributedFileSystem) FileSystem.newInstance(cluster.getFileSystem().getUri(), client);
    this.secondStorage = secondStorage;
    this.log = log;
  }

  static ChaosHdfs start(Path baseDir) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.resolve("minidfs").toString());
    // the second DataNode registers from another JVM under 127.0.0.1, not a host name the NameNode resolves
    conf.setBoolean("dfs.namenode.datanode.registration.ip-hostname-check", false);
    conf.setInt("dfs.heartbeat.interval", 1);
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    Configuration client = new Configuration();
    client.setInt("dfs.replication", 2);
    ChaosHdfs hdfs = new ChaosHdfs(cluster, client, baseDir.resolve("datanode-2"), baseDir.resolve("datanode-2.log"));
    hdfs.startSecond(Set.of());
    return hdfs;
  }

  String uri() {
    return fs.getUri().toString();
  }

  FileSystem fs() {
    return fs;
  }

  /** A client configuration: two replicas per file. */
  Configuration conf() {
    return client;
  }

  /** kill -9 of the second DataNode's JVM. */
  void killSecond() throws InterruptedException {
    second.destroyForcibly();
    second.waitFor(30, TimeUnit.SECONDS);
  }

  boolean secondAlive() {
    return second.isAlive();
  }

  /** Restarts the second DataNode on its old storage, if it is not running, and waits until it has registered. */
  void ensureSecond() throws Exception {
    if (!second.isAlive()) {
      startSecond(livePorts());
    }
  }

  private void startSecond(Set<Integer> before) throws Exception {
    List<String> cmd = new ArrayList<>(ChildJvm.java(List.of("-Xmx256m"), DataNode.class.getName()));
    cmd.addAll(Arrays.asList("-D", "fs.defaultFS=" + uri(), "-D", "dfs.datanode.data.dir=" + secondStorage.toUri(),
        "-D", "dfs.datanode.address=127.0.0.1:0", "-D", "dfs.datanode.http.address=127.0.0.1:0",
        "-D", "dfs.datanode.ipc.address=127.0.0.1:0", "-D", "dfs.datanode.hostname=127.0.0.1",
        "-D", "dfs.heartbeat.interval=1"));
    second = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    // a restarted DataNode binds new ports: the one registered anew is the one whose port is new
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!livePorts().stream().anyMatch(p -> !before.contains(p)) || livePorts().size() < 2) {
      if (!second.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("the second DataNode did not register with the NameNode; see " + log);
      }
      Thread.sleep(200);
    }
  }

  private Set<Integer> livePorts() throws IOException {
    return Arrays.stream(fs.getDataNodeStats(HdfsConstants.DatanodeReportType.LIVE)).map(DatanodeInfo::getXferPort)
        .collect(Collectors.toSet());
  }

  /** Copies the files in {@code local} into the folder {@code target}. */
  void put(File local, String target) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(target);
    fs.mkdirs(dir);
    for (File f : local.listFiles()) {
      fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.getAbsolutePath()), new org.apache.hadoop.fs.Path(dir, f.getName()));
    }
  }

  @Override
  public void close() throws IOException {
    if (second != null) {
      second.destroyForcibly();
    }
    fs.close();
    cluster.shutdown();
  }
}
