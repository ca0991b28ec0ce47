package org.privspark.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The tests of this module see Spark the way a Connect client does: no classic Spark at all. */
class ClientClasspathTest {
  @Test
  void testJvm_holdsTheConnectClient() throws ClassNotFoundException {
    assertThat(Class.forName("org.apache.spark.sql.connect.SparkSession")).isNotNull();
  }

  @Test
  void testJvm_holdsNoClassicSpark() {
    assertThatThrownBy(() -> Class.forName("org.apache.spark.sql.classic.SparkSession"))
        .isInstanceOf(ClassNotFoundException.class);
    // Not SparkContext or JavaRDD: the client's spark-connect-shims holds empty stand-ins of those.
    assertThatThrownBy(() -> Class.forName("org.apache.spark.scheduler.DAGScheduler"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("org.privspark.sql.PrivSparkExtensions"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
