package org.mnistspark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The master URL forms Spark 3.5's SparkContext accepts, and near misses it would fail on. */
class MasterUrlTest {
  @ParameterizedTest
  @ValueSource(strings = {"local", "local[1]", "local[16]", "local[*]", "local[2,3]", "local[*, 4]", "local-cluster[2, 1, 1024]",
      "spark://host:7077", "spark://10.0.0.1:7077", "spark://[::1]:7077", "spark://a:7077,b:7077", "spark://m-1.example.com:1",
      "yarn", "k8s://https://kubernetes.default.svc:443", "k8s://localhost:6443", "mesos://zk://zk1:2181/mesos", "mesos://host:5050"})
  void accepted(String url) {
    assertThat(MasterUrl.check(url)).isEqualTo(url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"spark//host", "local[x]", "local[0]", "local[]", "local[2", "local 2", "LOCAL", "local[-1]",
      "spark://host", "spark://host:", "spark://host:0", "spark://host:99999", "spark://host:7077/", "spark://host:7077,",
      "spark://a:7077,b", "spark://user@host:7077", "spark://:7077", "spark://host_name:7077", "spark://", "yarn-client",
      "k8s://", "k8s:/host", "mesos://", "hdfs://nn:8020", "host:7077"})
  void refused(String url) {
    assertThatThrownBy(() -> MasterUrl.check(url))
        .isExactlyInstanceOf(InvalidOptionException.class)
        .hasMessage("Invalid value '" + url + "' for option '--master': is not a Spark master URL (local, local[N], "
            + "local[*], local[N,F], local[*,F], spark://HOST:PORT[,HOST:PORT...], yarn, k8s://URL or mesos://URL)");
  }
}
