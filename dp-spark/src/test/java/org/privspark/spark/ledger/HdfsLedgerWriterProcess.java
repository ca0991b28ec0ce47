package org.privspark.spark.ledger;

import org.apache.hadoop.conf.Configuration;
import org.privspark.core.ledger.LedgerWriterProcess;

/**
 * dp-core's {@link LedgerWriterProcess} on a Hadoop store: the first argument is the ledger's URI
 * (here an {@code hdfs://} directory of the test's MiniDFSCluster), the others as there.
 */
public final class HdfsLedgerWriterProcess {
  private HdfsLedgerWriterProcess() {}

  public static void main(String[] args) throws Exception {
    LedgerWriterProcess.run(HadoopLedgerStore.of(args[0], new Configuration()), args);
  }
}
