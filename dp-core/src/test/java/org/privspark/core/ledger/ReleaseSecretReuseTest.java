package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.ReleaseIdReusedException;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.noise.Secret;

/**
 * Issue 12, item 3: a release secret keys exactly one release. Its public release id is recorded
 * with the spend; a budget, and a ledger across writers and processes, refuse a second spend with
 * it and charge nothing.
 */
class ReleaseSecretReuseTest {
  @TempDir Path dir;

  @Test
  void releaseId_isSixteenBytes_stablePerSecret_andDistinctAcrossSecrets() {
    Secret s = Secret.fromBytes(new byte[32]);
    assertThat(s.releaseId())
        .hasSize(Secret.RELEASE_ID_LENGTH)
        .isEqualTo(Secret.fromBytes(new byte[32]).releaseId());
    assertThat(Secret.RELEASE_ID_LENGTH).isEqualTo(PrivacyBudget.RELEASE_ID_LENGTH);
    byte[] other = new byte[32];
    other[31] = 1;
    assertThat(Secret.fromBytes(other).releaseId()).isNotEqualTo(s.releaseId());
  }

  @Test
  void inMemoryBudget_refusesASecondSpendWithTheSameReleaseId_andChargesNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 0);
    Secret secret = Secret.generate();
    budget.spend(new LaplaceEvent(1, 1), "private-aggregation", "on D", secret.releaseId());
    double spent = budget.spent().epsilon();

    assertThatThrownBy(
            () ->
                budget.spend(
                    new LaplaceEvent(2, 1),
                    "private-aggregation",
                    "on D minus one person",
                    secret.releaseId()))
        .isInstanceOf(ReleaseIdReusedException.class)
        .hasMessageContaining("keys exactly one release")
        .hasMessageContaining("nothing was charged");
    assertThat(budget.spent().epsilon()).isEqualTo(spent);
    // Another secret, and spends without a secret, are unaffected.
    budget.spend(new LaplaceEvent(1, 1), "private-aggregation", "", Secret.generate().releaseId());
    budget.spend(new LaplaceEvent(1, 1));
  }

  @Test
  void inMemoryBudget_refusedForOverspend_doesNotUseUpTheReleaseId() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 0);
    byte[] id = Secret.generate().releaseId();
    assertThatThrownBy(() -> budget.spend(new LaplaceEvent(0.5, 1), "m", "", id))
        .isInstanceOf(org.privspark.core.accounting.BudgetExhaustedException.class);
    budget.spend(new LaplaceEvent(2, 1), "m", "", id); // the refused attempt released nothing
  }

  /**
   * The mechanisms' own charging overloads: two releases of one keyed source on one budget used to
   * be both admitted, and their difference was the exact difference (hostile review).
   */
  @Test
  void mechanismReleaseWithABudget_refusesAKeyedSourceWhoseSecretWasCharged() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 0);
    Secret s = Secret.generate();
    org.privspark.core.mechanism.LaplaceMechanism m =
        org.privspark.core.mechanism.LaplaceMechanism.builder()
            .epsilon(0.1)
            .l1Sensitivity(1)
            .build();
    m.release(1000.0, org.privspark.core.noise.KeyedStreamSource.forCell(s, "count"), budget);
    double spent = budget.spent().epsilon();
    assertThatThrownBy(
            () ->
                m.release(
                    999.0, org.privspark.core.noise.KeyedStreamSource.forCell(s, "count"), budget))
        .isInstanceOf(ReleaseIdReusedException.class);
    assertThatThrownBy(
            () ->
                m.release(
                    new double[] {999.0},
                    org.privspark.core.noise.KeyedStreamSource.forCell(s, "count"),
                    budget))
        .isInstanceOf(ReleaseIdReusedException.class);
    assertThat(budget.spent().epsilon()).isEqualTo(spent);
    // Fresh randomness has no release id: nothing to refuse.
    m.release(999.0, org.privspark.core.noise.SecureRandomSource.create(), budget);
  }

  @Test
  void releaseKey_dependsOnTheChargedId_andIsNeitherTheSecretNorExposed() {
    Secret s = Secret.generate();
    byte[] id = s.releaseId();
    byte[] other = Secret.generate().releaseId();
    long a =
        org.privspark.core.noise.KeyedStreamSource.forCell(
                org.privspark.core.noise.ReleaseKey.of(s, id), "c")
            .nextLong();
    assertThat(
            org.privspark.core.noise.KeyedStreamSource.forCell(
                    org.privspark.core.noise.ReleaseKey.of(s, id), "c")
                .nextLong())
        .isEqualTo(a);
    assertThat(
            org.privspark.core.noise.KeyedStreamSource.forCell(
                    org.privspark.core.noise.ReleaseKey.of(s, other), "c")
                .nextLong())
        .isNotEqualTo(a);
    assertThat(org.privspark.core.noise.KeyedStreamSource.forCell(s, "c").nextLong())
        .isNotEqualTo(a);
    assertThat(org.privspark.core.noise.ReleaseKey.of(s, id).toString())
        .doesNotContain(java.util.HexFormat.of().formatHex(s.bytes()));
    assertThatThrownBy(() -> org.privspark.core.noise.ReleaseKey.of(s, new byte[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chargedReleaseId must be 16 bytes");
  }

  /**
   * Second hostile review: the bound key of a charged release, put into a raw mechanism with the
   * same budget, used to reproduce the release's noise under a new release id. A stream of a
   * release key carries the id its charge was recorded under, which the budget refuses.
   */
  @Test
  void rawReleaseFromTheKeyOfAChargedRelease_isRefused() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 0);
    Secret s = Secret.generate();
    org.privspark.core.mechanism.LaplaceMechanism m =
        org.privspark.core.mechanism.LaplaceMechanism.builder()
            .epsilon(0.1)
            .l1Sensitivity(1)
            .build();
    m.release(100.0, org.privspark.core.noise.KeyedStreamSource.forCell(s, "rows"), budget);
    var key = org.privspark.core.noise.ReleaseKey.of(s, s.releaseId());
    assertThatThrownBy(
            () ->
                m.release(
                    99.0, org.privspark.core.noise.KeyedStreamSource.forCell(key, "rows"), budget))
        .isInstanceOf(ReleaseIdReusedException.class);
  }

  /**
   * A keyed source charged through a mechanism draws bound to its charge: reproducible on a fresh
   * budget only.
   */
  @Test
  void mechanismRelease_drawsFromTheSecretBoundToItsCharge() {
    Secret s = Secret.generate();
    org.privspark.core.mechanism.LaplaceMechanism m =
        org.privspark.core.mechanism.LaplaceMechanism.builder()
            .epsilon(0.1)
            .l1Sensitivity(1)
            .build();
    double first =
        m.release(
                100.0,
                org.privspark.core.noise.KeyedStreamSource.forCell(s, "rows"),
                PrivacyBudget.inMemory(10, 0))
            .value();
    double again =
        m.release(
                100.0,
                org.privspark.core.noise.KeyedStreamSource.forCell(s, "rows"),
                PrivacyBudget.inMemory(10, 0))
            .value();
    double bound =
        m.release(
                100.0,
                org.privspark.core.noise.KeyedStreamSource.forCell(
                    org.privspark.core.noise.ReleaseKey.of(s, s.releaseId()), "rows"))
            .value();
    double unbound =
        m.release(100.0, org.privspark.core.noise.KeyedStreamSource.forCell(s, "rows")).value();
    assertThat(again).isEqualTo(first).isEqualTo(bound);
    assertThat(unbound).isNotEqualTo(first);
  }

  @Test
  void ledger_recordsTheReleaseId_andRefusesItAgain_writingNothing() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 5, 1e-6);
    Secret secret = Secret.generate();
    PrivacyBudget budget = f.ledger.budget();
    budget.spend(new LaplaceEvent(2, 1), "private-aggregation", "on D", secret.releaseId());
    assertThat(f.read(1).releaseId()).isEqualTo(secret.releaseId());

    assertThatThrownBy(
            () ->
                budget.spend(
                    new LaplaceEvent(2, 1), "private-aggregation", "on D'", secret.releaseId()))
        .isInstanceOf(ReleaseIdReusedException.class)
        .hasMessageContaining(f.ledger.genesis().origin());
    assertThat(f.ledger.entries()).isEqualTo(1);
    assertThat(Files.exists(f.entry(2))).isFalse();
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.entries()).isEqualTo(1);
  }

  @Test
  void ledger_refusesAReleaseIdThatAnotherWriterRecorded() {
    LedgerFixture f = new LedgerFixture(dir, 5, 1e-6);
    Secret secret = Secret.generate();
    // Another process, with openings of its own: only the ledger's entries tell this writer.
    Ledger other =
        Ledger.open(
            f.store, f.signer, OpeningStore.in(new LocalDirectoryStore(dir.resolve("other"))));
    other.append(
        "private-aggregation",
        new LaplaceEvent(2, 1),
        ReleaseDetails.describing("q"),
        secret.releaseId());

    assertThatThrownBy(
            () ->
                f.ledger.append(
                    "private-aggregation",
                    new LaplaceEvent(2, 1),
                    ReleaseDetails.describing("q again"),
                    secret.releaseId()))
        .isInstanceOf(ReleaseIdReusedException.class)
        .hasMessageContaining("the ledger " + LedgerFixture.ORIGIN);
    assertThat(Files.exists(f.entry(1))).isTrue();
    assertThat(Files.exists(f.entry(2))).isFalse();
  }

  @Test
  void ledger_refusesAReleaseIdWhoseOpeningAnEarlierAttemptLeftBehind() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 5, 1e-6);
    byte[] id = Secret.generate().releaseId();
    // What a crash between saving the opening and creating the entry leaves.
    f.openings.save(
        Opening.fresh(id, ReleaseDetails.describing("crashed"), new java.security.SecureRandom()));

    assertThatThrownBy(
            () ->
                f.ledger.append(
                    "private-aggregation",
                    new LaplaceEvent(2, 1),
                    ReleaseDetails.describing("retry"),
                    id))
        .isInstanceOf(ReleaseIdReusedException.class)
        .hasMessageContaining("openings");
    assertThat(f.ledger.entries()).isZero();
  }

  @Test
  void ledger_aWriterThatLosesTheRaceForAnIndex_landsItsEntryWithTheOpeningItSaved()
      throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 5, 1e-6);
    byte[] id = Secret.generate().releaseId();
    // A store that lets another writer take index 1 just before this writer's first attempt.
    Ledger other = Ledger.open(f.store, f.signer, f.openings);
    LedgerStore racing =
        new RacingStore(
            f.store,
            () ->
                other.append(
                    "private-aggregation",
                    new LaplaceEvent(4, 1),
                    ReleaseDetails.describing("other"),
                    null));
    Ledger ledger = Ledger.open(racing, f.signer, f.openings);
    Receipt receipt =
        ledger.append(
            "private-aggregation", new LaplaceEvent(2, 1), ReleaseDetails.describing("mine"), id);
    assertThat(receipt.index()).isEqualTo(2);
    LedgerEntry entry = f.read(2);
    Opening opening = f.openings.load(id).orElseThrow();
    assertThat(opening.opens(entry)).isTrue();
    assertThat(f.verify().intact()).isTrue();
  }

  /** Runs {@code before} once, just before the first entry file is created through it. */
  private static final class RacingStore implements LedgerStore {
    private final LedgerStore inner;
    private Runnable before;

    RacingStore(LedgerStore inner, Runnable before) {
      this.inner = inner;
      this.before = before;
    }

    @Override
    public boolean createIfAbsentWithCompanion(
        String path, byte[] bytes, String companion, byte[] companionBytes)
        throws java.io.IOException {
      if (before != null && path.startsWith(LedgerLayout.ENTRIES)) {
        Runnable r = before;
        before = null;
        r.run();
      }
      return inner.createIfAbsentWithCompanion(path, bytes, companion, companionBytes);
    }

    @Override
    public boolean createIfAbsent(String path, byte[] bytes) throws java.io.IOException {
      return inner.createIfAbsent(path, bytes);
    }

    @Override
    public boolean createRederivableIfAbsent(String path, byte[] bytes) throws java.io.IOException {
      return inner.createRederivableIfAbsent(path, bytes);
    }

    @Override
    public java.util.Optional<byte[]> read(String path) throws java.io.IOException {
      return inner.read(path);
    }

    @Override
    public List<String> list(String directory) throws java.io.IOException {
      return inner.list(directory);
    }

    @Override
    public String location() {
      return inner.location();
    }
  }
}
