package org.privspark.spark.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.spark.SparkTestSession;

/** {@link HadoopLedgerStore} on file:// URIs, and the locations it refuses. */
class HadoopLedgerStoreLocalTest {
  @TempDir Path dir;

  private static Configuration conf() {
    return new Configuration();
  }

  @Test
  void fileUri_ledgerThroughHadoopStore_verifiesAndReopens() throws Exception {
    HadoopLedgerStore store =
        HadoopLedgerStore.of(dir.resolve("ledger").toUri().toString(), conf());
    assertThat(store.protocol()).isEqualTo(HadoopLedgerStore.Protocol.LOCAL_LINK);
    LedgerOnStore f = new LedgerOnStore(store, 1.0, 0);
    f.spend(0.5, "first");
    f.spend(0.25, "second");
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.entries()).isEqualTo(2);
    Ledger again =
        Ledger.open(
            HadoopLedgerStore.of(store.location(), conf()), f.signer, OpeningStore.discarding());
    assertThat(again.spent().epsilon()).isCloseTo(0.75, within(1e-9));
  }

  /**
   * A PLD ledger (docs/LEDGER-FORMAT.md §4.1) through the Hadoop store: the store is unaware of the
   * accountant; the writer admits, and the auditor recomputes, under PLD, and a reopened writer
   * replays the same total.
   */
  @Test
  void fileUri_pldLedgerThroughHadoopStore_admitsAndVerifiesUnderPld() throws Exception {
    HadoopLedgerStore store =
        HadoopLedgerStore.of(dir.resolve("ledger").toUri().toString(), conf());
    NoteSigner signer = NoteSigner.generate("test.privspark.org/pld-on-hadoop");
    Ledger ledger =
        Ledger.create(
            store,
            signer.name(),
            LedgerGenesis.TRANSPARENT,
            Accountant.PLD,
            3.0,
            1e-5,
            OrderGrid.defaults(),
            PrivacyUnit.of("person", ""),
            signer,
            OpeningStore.discarding());
    ledger
        .budget()
        .charge(
            new SampledGaussianEvent(0.05, 1.5, 50),
            UnitClaim.perUnit("person"),
            "dp-sgd",
            "",
            null);
    AuditReport report = new LedgerVerifier(signer.verifier()).verify(store, List.of());
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.accountant()).isEqualTo(Accountant.PLD);
    assertThat(report.spentEpsilon()).isEqualTo(ledger.spent().epsilon());
    Ledger again =
        Ledger.open(
            HadoopLedgerStore.of(store.location(), conf()), signer, OpeningStore.discarding());
    assertThat(again.budget().accountant()).isEqualTo(Accountant.PLD);
    assertThat(again.spent().epsilon()).isEqualTo(report.spentEpsilon());
  }

  /**
   * The directory is a plain local ledger: no Hadoop .crc files, and dp-core's own store audits it.
   */
  @Test
  void fileUri_writesAPlainLocalLedger_thatLocalDirectoryStoreAudits() throws Exception {
    LedgerOnStore f =
        new LedgerOnStore(HadoopLedgerStore.of("file://" + dir.resolve("ledger"), conf()), 1.0, 0);
    f.spend(0.5, "q");
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".crc") || n.startsWith(HadoopLedgerStore.TEMP_PREFIX));
    }
    AuditReport report =
        new LedgerVerifier(f.signer.verifier())
            .verify(new LocalDirectoryStore(dir.resolve("ledger")), List.of());
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.entries()).isEqualTo(1);
  }

  @Test
  void fileUri_createSecretIfAbsent_isOwnerOnly() throws Exception {
    HadoopLedgerStore store =
        HadoopLedgerStore.of(dir.resolve("openings").toUri().toString(), conf());
    assertThat(store.createSecretIfAbsent("openings/a.json", new byte[] {1})).isTrue();
    assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("openings/openings/a.json")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void fileUri_createIfAbsent_existingFile_returnsFalseAndLeavesItUnchanged() throws Exception {
    HadoopLedgerStore store = HadoopLedgerStore.of(dir.toUri().toString(), conf());
    byte[] first = "first".getBytes(StandardCharsets.UTF_8);
    assertThat(store.createIfAbsent("entries/x.json", first)).isTrue();
    assertThat(store.createIfAbsent("entries/x.json", "second".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThat(store.read("entries/x.json"))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(first));
    assertThat(store.list("entries")).containsExactly("x.json");
  }

  @Test
  void fileUri_concurrentWriters_neverOverspend() throws Exception {
    LedgerOnStore f =
        new LedgerOnStore(HadoopLedgerStore.of(dir.toUri().toString(), conf()), 1.0, 0);
    assertThat(f.raceTwoWriters(40)).isEqualTo(16);
    assertThat(f.verify().intact()).isTrue();
  }

  /** A path without a scheme is on fs.defaultFS, here the local file system. */
  @Test
  void pathWithoutScheme_onALocalDefaultFs_isALocalLedger() {
    HadoopLedgerStore store = HadoopLedgerStore.of(dir.toString(), conf());
    assertThat(store.protocol()).isEqualTo(HadoopLedgerStore.Protocol.LOCAL_LINK);
    assertThat(store.location()).isEqualTo("file:" + dir);
  }

  @Test
  void of_sparkSession_usesItsHadoopConfiguration() throws Exception {
    HadoopLedgerStore store = HadoopLedgerStore.of(dir.toUri().toString(), SparkTestSession.get());
    assertThat(store.protocol()).isEqualTo(HadoopLedgerStore.Protocol.LOCAL_LINK);
    new LedgerOnStore(store, 1.0, 0).spend(0.5, "from a Spark job");
    assertThat(store.list("entries")).containsExactly("00000000000000000001.json");
  }

  @Test
  void of_schemeWithoutAtomicPutIfAbsent_isRefused() {
    assertThatThrownBy(() -> HadoopLedgerStore.of("ftp://example.org/ledger", conf()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hdfs://, s3a:// or file://")
        .hasMessageContaining("got scheme 'ftp'");
    assertThatThrownBy(() -> HadoopLedgerStore.of("s3://bucket/ledger", conf()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got scheme 's3'");
  }

  /** Without conditional writes an S3 "create" is a blind overwrite: refused before any I/O. */
  @Test
  void of_s3aWithConditionalWritesOff_isRefused() {
    Configuration off = conf();
    off.setBoolean(HadoopLedgerStore.S3A_CONDITIONAL_ENABLED, false);
    assertThatThrownBy(() -> HadoopLedgerStore.of("s3a://bucket/ledger", off))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fs.s3a.create.conditional.enabled must be true");
    Configuration offForBucket = conf();
    offForBucket.setBoolean("fs.s3a.bucket.ledgers.create.conditional.enabled", false);
    assertThatThrownBy(() -> HadoopLedgerStore.of("s3a://ledgers/ledger", offForBucket))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got false for s3a://ledgers/ledger");
  }

  @Test
  void of_badArguments_areRefused() {
    assertThatThrownBy(() -> HadoopLedgerStore.of(null, conf()))
        .hasMessage("location must not be null");
    assertThatThrownBy(() -> HadoopLedgerStore.of("  ", conf()))
        .hasMessageContaining("got an empty string");
    assertThatThrownBy(() -> HadoopLedgerStore.of("file:///tmp/x", (Configuration) null))
        .hasMessage("conf must not be null");
  }
}
