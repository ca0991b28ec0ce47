package org.privspark.spark.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.privspark.spark.ClassicSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, once per Spark application, when a release's secret may cross the network or reach a disk
 * unencrypted. The noise step runs on the executors, so the release secret travels inside the
 * serialized task (RPC and broadcast blocks); Spark encrypts those only with {@code
 * spark.network.crypto.enabled} (or TLS, {@code spark.ssl.rpc.enabled}), and broadcast blocks,
 * shuffle files and spills on local disks only with {@code spark.io.encryption.enabled}. In local
 * mode everything stays inside one JVM, so there is nothing to warn about. The warning names
 * settings only, never a secret or a value.
 */
final class ClusterEncryption {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterEncryption.class);

  /** Applications already warned (one entry per SparkContext, so it stays tiny). */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private ClusterEncryption() {}

  /**
   * Logs {@link #warning} once per application, if there is one. A Spark Connect client has no
   * SparkContext and does not see the server's settings: there the server's operator answers for
   * them (docs/CONNECT.md), and nothing is logged.
   */
  static void warnIfOff(Dataset<?> release) {
    if (ClassicSession.isClassic(release)) {
      warnIfOff(release.sparkSession().sparkContext());
    }
  }

  private static void warnIfOff(SparkContext sc) {
    String warning = warning(sc.getConf(), sc.master());
    if (warning != null && WARNED.add(sc.applicationId())) {
      LOG.warn(warning);
    }
  }

  /** The warning for this configuration and master, or null if none is due. */
  static String warning(SparkConf conf, String master) {
    if (master == null || master.equals("local") || master.startsWith("local[")) {
      return null;
    }
    List<String> off = new ArrayList<>();
    if (!conf.getBoolean("spark.network.crypto.enabled", false)
        && !conf.getBoolean("spark.ssl.rpc.enabled", false)) {
      off.add(
          "spark.network.crypto.enabled (with spark.authenticate) or spark.ssl.rpc.enabled, so the"
              + " release secret travels to the executors unencrypted inside each task");
    }
    if (!conf.getBoolean("spark.io.encryption.enabled", false)) {
      off.add(
          "spark.io.encryption.enabled, so broadcast task blocks (which hold the release secret),"
              + " shuffle files and spills (which hold private partial aggregates) reach local"
              + " disks unencrypted");
    }
    if (off.isEmpty()) {
      return null;
    }
    return "PrivSpark: this Spark application runs on a cluster (not in local mode) without "
        + String.join("; and without ", off)
        + ". Whoever reads the secret can remove the noise of the release."
        + " Enable the setting(s); see docs/THREAT-MODEL.md, \"What a release reveals\".";
  }
}
