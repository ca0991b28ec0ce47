package org.privspark.spark.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.Reason;
import org.privspark.core.ledger.WriterRace;

/**
 * {@link HadoopLedgerStore} on a real HDFS: an in-process MiniDFSCluster (one NameNode, one
 * DataNode, every socket on 127.0.0.1, storage under a temporary directory), started once for the
 * class. Each test works in its own directory of that file system.
 */
class HadoopLedgerStoreHdfsTest {
  @TempDir static java.nio.file.Path base;
  private static MiniDFSCluster cluster;
  private static Configuration conf;
  private static FileSystem hdfs;

  private Path dir;
  private HadoopLedgerStore store;

  @BeforeAll
  static void startHdfs() throws IOException {
    conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("hdfs").toString());
    // Loopback only: the NameNode's RPC address is 127.0.0.1 in MiniDFSCluster; its web and every
    // DataNode address are pinned here, and checkDataNodeAddrConfig keeps MiniDFSCluster from
    // replacing the DataNode ones.
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.namenode.https-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.https.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setInt("dfs.replication", 1);
    cluster =
        new MiniDFSCluster.Builder(conf, base.resolve("hdfs").toFile())
            .numDataNodes(1)
            .checkDataNodeAddrConfig(true)
            .build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem();
  }

  @AfterAll
  static void stopHdfs() throws IOException {
    if (cluster != null) {
      // The store's FileSystem is Hadoop's cached instance for this URI: drop it with the cluster.
      FileSystem.get(cluster.getURI(), conf).close();
      cluster.shutdown();
    }
  }

  @BeforeEach
  void freshDirectory() {
    dir = new Path("/ledgers/" + UUID.randomUUID());
    store = HadoopLedgerStore.of(cluster.getURI() + dir.toString(), conf);
  }

  @Test
  void cluster_listensOnLoopbackOnly() {
    assertThat(cluster.getNameNode().getNameNodeAddress().getAddress().isLoopbackAddress())
        .isTrue();
    assertThat(cluster.getNameNode().getHttpAddress().getAddress().isLoopbackAddress()).isTrue();
    for (DataNode dn : cluster.getDataNodes()) {
      assertThat(dn.getXferAddress().getAddress().isLoopbackAddress())
          .as(dn.getDisplayName())
          .isTrue();
    }
  }

  /**
   * Four JVMs append to one ledger on HDFS until its budget is gone (docs/RELIABILITY.md): every
   * request ends in a receipt or a refusal, no index is handed out twice, the receipts are exactly
   * the entries, the spend stays within the budget and the ledger verifies.
   */
  @Test
  void append_fourProcessesOnHdfsUntilExhausted_noEntryLostOrDuplicated() throws Exception {
    double perSpend = 0.02;
    LedgerOnStore f = new LedgerOnStore(store, 1.0, 0);
    java.nio.file.Path key = base.resolve("race-" + UUID.randomUUID() + ".key");
    java.nio.file.Files.writeString(
        key, f.signer.exportSignerKey() + "\n", StandardCharsets.US_ASCII);
    java.nio.file.Path work =
        java.nio.file.Files.createDirectories(key.resolveSibling(key.getFileName() + ".work"));

    List<Long> receipts =
        WriterRace.receipts(
            work,
            4,
            HdfsLedgerWriterProcess.class,
            store.location(),
            key.toString(),
            work.resolve("openings").toString(),
            Double.toString(perSpend),
            "until-refused");

    LedgerOnStore serial =
        new LedgerOnStore(
            HadoopLedgerStore.of(cluster.getURI() + dir.toString() + "-serial", conf), 1.0, 0);
    long alone = 0;
    try {
      while (true) {
        serial.spend(perSpend, "serial");
        alone++;
      }
    } catch (org.privspark.core.accounting.BudgetExhaustedException e) {
      // one writer alone fitted `alone` spends
    }
    AuditReport report = f.verify();
    WriterRace.assertSharedBudget(receipts, report, 1.0, alone);
    System.out.printf(
        "4 processes on HDFS: %d entries, spent epsilon %.6f of 1.0%n",
        report.entries(), report.spentEpsilon());
  }

  @Test
  void of_hdfsUri_usesRenameWithoutOverwrite_andNamesTheQualifiedLocation() {
    assertThat(store.protocol()).isEqualTo(HadoopLedgerStore.Protocol.RENAME_NO_OVERWRITE);
    assertThat(store.location())
        .isEqualTo(cluster.getURI() + dir.toString())
        .startsWith("hdfs://localhost:");
  }

  @Test
  void append_onHdfs_writesOneEntryPerSpend_andTheAuditorSeesThemIntact() throws Exception {
    LedgerOnStore f = new LedgerOnStore(store, 2.0, 1e-6);
    f.spend(0.5, "count by day");
    f.spend(0.25, "mean age");
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.entries()).isEqualTo(2);
    assertThat(report.spentEpsilon()).isCloseTo(0.75, within(1e-9));
    assertThat(report.checkpointSize()).isEqualTo(3);
    assertThat(hdfs.exists(hdfsPath(LedgerEntry.path(2)))).isTrue();
    assertThat(hdfs.exists(hdfsPath(LedgerEntry.path(3)))).isFalse();
    // Every temporary file was renamed into place: none is left, even unlisted.
    assertThat(rawNames(LedgerLayout.ENTRIES))
        .containsExactly("00000000000000000001.json", "00000000000000000002.json");
    assertThat(rawNames(LedgerLayout.HEADS))
        .noneMatch(n -> n.startsWith(HadoopLedgerStore.TEMP_PREFIX));
  }

  /** Reopening restores what was spent: the budget survives restarts and other jobs. */
  @Test
  void reopen_onHdfs_restoresSpentBudget() {
    LedgerOnStore f = new LedgerOnStore(store, 1.0, 0);
    f.spend(0.6, "first job");
    Ledger again =
        Ledger.open(
            HadoopLedgerStore.of(store.location(), conf),
            f.signer,
            org.privspark.core.ledger.OpeningStore.discarding());
    PrivacyBudget budget = again.budget();
    assertThat(budget.spent().epsilon()).isCloseTo(0.6, within(1e-9));
    assertThat(budget.trySpend(LedgerOnStore.laplace(0.5))).isFalse();
    budget.spend(LedgerOnStore.laplace(0.3), "private-aggregation", "second job");
    assertThat(again.entries()).isEqualTo(2);
    assertThat(f.verify().intact()).isTrue();
  }

  /**
   * Two writers (two Ledger objects, as two jobs would be) race 40 spends of ε = 1/16 into a budget
   * of 1 on HDFS: exactly 16 land, and the ledger verifies.
   */
  @Test
  void concurrentWriters_onHdfs_neverOverspend() throws Exception {
    LedgerOnStore f = new LedgerOnStore(store, 1.0, 0);
    int landed = f.raceTwoWriters(40);
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(landed).isEqualTo(16);
    assertThat(report.entries()).isEqualTo(16);
    assertThat(report.spentEpsilon()).isLessThanOrEqualTo(1.0);
  }

  @Test
  void createIfAbsent_existingFile_returnsFalseAndLeavesItUnchanged() throws Exception {
    byte[] first = "first".getBytes(StandardCharsets.UTF_8);
    assertThat(store.createIfAbsent("entries/x.json", first)).isTrue();
    assertThat(
            store.createIfAbsent(
                "entries/x.json", "second, longer".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThat(store.read("entries/x.json"))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(first));
    assertThat(rawNames("entries")).containsExactly("x.json");
  }

  /** Issue 12, item 8: openings hold commitment salts and costs; only their owner may read them. */
  @Test
  void createSecretIfAbsent_onHdfs_isOwnerOnly_andCreateIfAbsentIsNot() throws Exception {
    assertThat(store.createSecretIfAbsent("cost-openings/a.json", new byte[] {1})).isTrue();
    assertThat(store.createSecretIfAbsent("cost-openings/a.json", new byte[] {2})).isFalse();
    assertThat(hdfs.getFileStatus(hdfsPath("cost-openings/a.json")).getPermission().toShort())
        .isEqualTo((short) 0600);
    assertThat(hdfs.getFileStatus(hdfsPath("cost-openings")).getPermission().toShort())
        .isEqualTo((short) 0700);
    assertThat(store.createIfAbsent("entries/b.json", new byte[] {1})).isTrue();
    assertThat(hdfs.getFileStatus(hdfsPath("entries/b.json")).getPermission().toShort())
        .isNotEqualTo((short) 0600);
  }

  @Test
  void read_missingFile_isEmpty() throws Exception {
    assertThat(store.read("entries/00000000000000000001.json")).isEmpty();
    assertThat(store.read("ledger.json")).isEmpty();
  }

  @Test
  void list_isSorted_ignoresTempFiles_andIsEmptyForAMissingDirectory() throws Exception {
    for (String name : List.of("c.json", "a.json", "b.json")) {
      store.createIfAbsent("heads/" + name, name.getBytes(StandardCharsets.UTF_8));
    }
    // What a writer that crashed between create and rename leaves behind.
    try (FSDataOutputStream out =
        hdfs.create(hdfsPath("heads/" + HadoopLedgerStore.TEMP_PREFIX + "crashed"))) {
      out.write(1);
    }
    assertThat(store.list("heads")).containsExactly("a.json", "b.json", "c.json");
    assertThat(store.list("entries")).isEmpty();
  }

  @Test
  void paths_outsideTheLedger_areRefused() {
    assertThatThrownBy(() -> store.read("../other/ledger.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stay inside the ledger directory");
    assertThatThrownBy(() -> store.createIfAbsent("/ledger.json", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.list("heads/../.."))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void create_whereALedgerExists_isRefused() {
    LedgerOnStore f = new LedgerOnStore(store, 1.0, 0);
    assertThatThrownBy(
            () ->
                Format3Ledgers.create(
                    store,
                    LedgerOnStore.ORIGIN,
                    1,
                    0,
                    LedgerOnStore.GRID,
                    f.signer,
                    org.privspark.core.ledger.OpeningStore.discarding()))
        .hasMessageContaining("a ledger already exists");
  }

  @Test
  void deletedEntry_onHdfs_isRejectedAsMissingEntry() throws Exception {
    LedgerOnStore f = new LedgerOnStore(store, 2.0, 1e-6);
    for (int i = 1; i <= 4; i++) {
      f.spend(0.25, "q" + i);
    }
    assertThat(f.verify().intact()).isTrue();
    assertThat(hdfs.delete(hdfsPath(LedgerEntry.path(2)), false)).isTrue();
    AuditReport report = f.verify();
    assertThat(report.intact()).isFalse();
    assertThat(report.reason()).as(report.message()).isEqualTo(Reason.MISSING_ENTRY);
    assertThat(report.failedIndex()).as(report.message()).isEqualTo(2);
  }

  private Path hdfsPath(String relative) {
    return new Path(dir, relative);
  }

  /** Every name in a ledger directory, temporary files included. */
  private List<String> rawNames(String relative) throws IOException {
    return Arrays.stream(hdfs.listStatus(hdfsPath(relative)))
        .map(FileStatus::getPath)
        .map(Path::getName)
        .sorted()
        .toList();
  }
}
