package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.privspark.core.accounting.Charge;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.accounting.UnitMismatchException;
import org.privspark.core.audit.AuditReport;

/**
 * A ledger of format 4 declares the privacy unit its budget protects; every entry claims it, a
 * writer refuses a claim about another unit (or none) before writing anything, and an auditor
 * rejects an entry whose claim differs from the genesis (docs/LEDGER-FORMAT.md §2, §5).
 */
class PrivacyUnitLedgerTest {
  private static final PrivacyUnit PERSON =
      PrivacyUnit.of("person", "one respondent, all of their rows");

  @TempDir Path tmp;

  private LedgerFixture personLedger(String mode) {
    return new LedgerFixture(tmp, mode, 3.0, 1e-5, PERSON);
  }

  @Test
  void theGenesisRecordsTheUnit_andDecodesToIt() throws Exception {
    LedgerFixture f = personLedger(LedgerGenesis.TRANSPARENT);
    byte[] bytes = Files.readAllBytes(f.store.root().resolve(LedgerLayout.GENESIS));
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("\"format\":\"privspark-ledger/4\"")
        .contains(
            "\"unit\":{\"name\":\"person\",\"definition\":\"one respondent, all of their rows\"}");
    LedgerGenesis g = LedgerGenesis.decode(bytes);
    assertThat(g.formatVersion()).isEqualTo(4);
    assertThat(g.unit()).isEqualTo(PERSON);
    assertThat(f.ledger.unit()).contains(PERSON);
    assertThat(f.ledger.budget().unit()).contains(PERSON);
  }

  @ParameterizedTest
  @ValueSource(strings = {LedgerGenesis.TRANSPARENT, LedgerGenesis.CONFIDENTIAL})
  void entriesRecordTheClaim_andTheAuditorReportsTheUnit(String mode) throws Exception {
    LedgerFixture f = personLedger(mode);
    PrivacyBudget budget = f.ledger.budget();
    Charge first =
        budget.charge(
            LedgerFixture.laplace(0.2),
            UnitClaim.perUnit("person"),
            "private-aggregation",
            "counts",
            null);
    Charge second =
        budget.charge(
            LedgerFixture.laplace(0.2), UnitClaim.rowIsUnit("person"), "dp-sgd", "model", null);
    assertThat(first.ledgerOrigin()).isEqualTo(LedgerFixture.ORIGIN);
    assertThat(first.ledgerIndex()).isEqualTo(1);
    assertThat(second.ledgerIndex()).isEqualTo(2);
    assertThat(f.read(1).unit()).isEqualTo(UnitClaim.perUnit("person"));
    assertThat(f.read(2).unit()).isEqualTo(UnitClaim.rowIsUnit("person"));
    assertThat(f.text(f.entry(2)))
        .contains("\"unit\":{\"name\":\"person\",\"rowIsUnit\":true}")
        .contains(
            mode.equals(LedgerGenesis.CONFIDENTIAL) ? "privspark-entry/4" : "privspark-entry/3");
    AuditReport r = f.verify();
    assertThat(r.intact()).as(r.message()).isTrue();
    assertThat(r.unit()).isEqualTo(PERSON);
    assertThat(r.rowIsUnitEntries()).isEqualTo(1);
    // A writer reopening the ledger accepts its own entries.
    assertThat(Ledger.open(f.store, f.signer, f.openings).entries()).isEqualTo(2);
  }

  @Test
  void aClaimAboutAnotherUnit_isRefusedBeforeAnythingIsWritten() throws Exception {
    LedgerFixture f = personLedger(LedgerGenesis.TRANSPARENT);
    PrivacyBudget budget = f.ledger.budget();
    assertThatThrownBy(
            () ->
                budget.charge(
                    LedgerFixture.laplace(0.1),
                    UnitClaim.perUnit("household"),
                    "private-aggregation",
                    "",
                    null))
        .isInstanceOf(UnitMismatchException.class)
        .hasMessageContaining("'household'")
        .hasMessageContaining("'person'")
        .hasMessageContaining("nothing was charged");
    assertThatThrownBy(
            () ->
                f.ledger.append(
                    "manual",
                    LedgerFixture.laplace(0.1),
                    ReleaseDetails.describing(""),
                    null,
                    UnitClaim.perUnit("device")))
        .isInstanceOf(UnitMismatchException.class);
    assertThat(f.ledger.entries()).isZero();
    assertThat(Files.exists(f.entry(1))).isFalse();
  }

  @Test
  void aReleaseWithoutAClaim_isRefusedOnALedgerWithAUnit() {
    LedgerFixture f = personLedger(LedgerGenesis.TRANSPARENT);
    PrivacyBudget budget = f.ledger.budget();
    assertThatThrownBy(() -> budget.spend(LedgerFixture.laplace(0.1)))
        .isInstanceOf(UnitMismatchException.class)
        .hasMessageContaining("must declare the unit");
    assertThatThrownBy(() -> budget.trySpend(LedgerFixture.laplace(0.1)))
        .isInstanceOf(UnitMismatchException.class);
    assertThatThrownBy(() -> f.spend(0.1, "q")).isInstanceOf(UnitMismatchException.class);
    assertThatThrownBy(() -> budget.checkClaim(null)).isInstanceOf(UnitMismatchException.class);
    assertThat(f.ledger.entries()).isZero();
  }

  @Test
  void anEntryRewrittenToClaimAnotherUnit_isRejectedAsUnitMismatch_evenWhenSignedWithTheRealKey()
      throws Exception {
    LedgerFixture f = personLedger(LedgerGenesis.TRANSPARENT);
    for (int i = 0; i < 3; i++) {
      f.ledger.append(
          "private-aggregation",
          LedgerFixture.laplace(0.1),
          ReleaseDetails.describing("q" + i),
          null,
          UnitClaim.perUnit("person"));
    }
    LedgerEntry e = f.read(2);
    f.replaceWithRealKey(
        2,
        new LedgerEntry(
                e.seq(),
                e.timeMillis(),
                e.origin(),
                e.previousLeafHash(),
                e.releaseId(),
                e.mechanism(),
                e.event(),
                e.cost(),
                e.commitments(),
                UnitClaim.perUnit("household"))
            .encode());
    AuditReport r = f.verify();
    assertThat(r.intact()).isFalse();
    assertThat(r.reason()).isEqualTo(Reason.UNIT_MISMATCH);
    assertThat(r.failedIndex()).isEqualTo(2);
    // The entry's unverified claim is not quoted; the ledger's own unit is.
    assertThat(r.message()).doesNotContain("household").contains("person");
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, f.openings))
        .isInstanceOfSatisfying(
            LedgerException.class, x -> assertThat(x.reason()).isEqualTo(Reason.UNIT_MISMATCH));
  }

  @Test
  void anEntryWithoutAClaim_inALedgerWithAUnit_isRejected() throws Exception {
    LedgerFixture f = personLedger(LedgerGenesis.TRANSPARENT);
    f.ledger.append(
        "private-aggregation",
        LedgerFixture.laplace(0.1),
        ReleaseDetails.describing("q"),
        null,
        UnitClaim.perUnit("person"));
    LedgerEntry e = f.read(1);
    f.replaceWithRealKey(
        1,
        new LedgerEntry(
                e.seq(),
                e.timeMillis(),
                e.origin(),
                e.previousLeafHash(),
                e.releaseId(),
                e.mechanism(),
                e.event(),
                e.cost(),
                e.commitments())
            .encode());
    AuditReport r = f.verify();
    assertThat(r.reason()).isEqualTo(Reason.UNIT_MISMATCH);
    assertThat(r.failedIndex()).isEqualTo(1);
  }

  @Test
  void aClaimInALedgerOfFormat3_isRejected_andFormat3LedgersStillTakeEntriesWithoutOne()
      throws Exception {
    LedgerFixture f = new LedgerFixture(tmp, LedgerGenesis.TRANSPARENT, 3.0, 1e-5);
    assertThat(f.ledger.genesis().formatVersion()).isEqualTo(3);
    assertThat(f.ledger.budget().unit()).isEmpty();
    // An undeclared budget takes any claim and records none: format 3 has no place for it.
    f.ledger
        .budget()
        .charge(
            LedgerFixture.laplace(0.1),
            UnitClaim.perUnit("person"),
            "private-aggregation",
            "",
            null);
    f.spend(0.1, "no claim");
    assertThat(f.read(1).unit()).isNull();
    assertThat(f.text(f.entry(1))).contains("privspark-entry/1").doesNotContain("\"unit\"");
    AuditReport ok = f.verify();
    assertThat(ok.intact()).isTrue();
    assertThat(ok.unit()).isNull();
    assertThat(ok.unitText()).contains("not declared");
    LedgerEntry e = f.read(2);
    f.replaceWithRealKey(
        2,
        new LedgerEntry(
                e.seq(),
                e.timeMillis(),
                e.origin(),
                e.previousLeafHash(),
                e.releaseId(),
                e.mechanism(),
                e.event(),
                e.cost(),
                e.commitments(),
                UnitClaim.perUnit("person"))
            .encode());
    assertThat(f.verify().reason()).isEqualTo(Reason.UNIT_MISMATCH);
  }

  @Test
  void aGenesisUnitChangedAfterSigning_breaksTheChain() throws Exception {
    LedgerFixture f = personLedger(LedgerGenesis.TRANSPARENT);
    f.ledger.append(
        "private-aggregation",
        LedgerFixture.laplace(0.1),
        ReleaseDetails.describing("q"),
        null,
        UnitClaim.perUnit("person"));
    Path genesis = f.store.root().resolve(LedgerLayout.GENESIS);
    f.write(genesis, f.text(genesis).replace("\"name\":\"person\"", "\"name\":\"house\""));
    AuditReport r = f.verify();
    assertThat(r.intact()).isFalse();
    assertThat(r.reason()).isIn(Reason.GENESIS_MISMATCH, Reason.ROOT_MISMATCH);
  }

  @Test
  void anEmptyLedgerWhoseCheckpointIsGone_isNotAdopted_soItsUnitAndBudgetCannotBeRewritten()
      throws Exception {
    LedgerFixture f = personLedger(LedgerGenesis.TRANSPARENT);
    // ledger.json and its first checkpoint were written together.
    assertThat(f.head(1)).exists();
    Files.delete(f.head(1));
    Path genesis = f.store.root().resolve(LedgerLayout.GENESIS);
    f.write(
        genesis,
        f.text(genesis)
            .replace("privspark-ledger/4", "privspark-ledger/3")
            .replaceAll(",\"unit\":\\{[^}]*\\}", "")
            .replace("\"epsilon\":3.0", "\"epsilon\":100.0"));
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, f.openings))
        .isInstanceOfSatisfying(
            LedgerException.class,
            x -> {
              assertThat(x.reason()).isEqualTo(Reason.UNSIGNED_ENTRIES);
              assertThat(x.getMessage())
                  .contains("nothing vouches for its budget and privacy unit");
            });
    assertThat(f.head(1)).doesNotExist();
  }

  @Test
  void malformedUnits_areRejectedWithoutQuotingThem() throws Exception {
    LedgerFixture f = personLedger(LedgerGenesis.TRANSPARENT);
    byte[] bytes = Files.readAllBytes(f.store.root().resolve(LedgerLayout.GENESIS));
    String bad =
        new String(bytes, StandardCharsets.UTF_8)
            .replace("\"name\":\"person\"", "\"name\":\"Per son!\"");
    assertThatThrownBy(() -> LedgerGenesis.decode(bad.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            LedgerException.class,
            x -> {
              assertThat(x.reason()).isEqualTo(Reason.MALFORMED);
              assertThat(x.getMessage()).doesNotContain("Per son!");
            });
    String noUnit =
        new String(bytes, StandardCharsets.UTF_8).replaceAll(",\"unit\":\\{[^}]*\\}", "");
    assertThatThrownBy(() -> LedgerGenesis.decode(noUnit.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            LedgerException.class, x -> assertThat(x.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void unitsAndClaims_nameTheParameterAndTheRule() {
    assertThatThrownBy(() -> PrivacyUnit.of("Person", ""))
        .hasMessageContaining("name must be 1 to 64 characters");
    assertThatThrownBy(() -> PrivacyUnit.of("person", "a\nb")).hasMessageContaining("definition");
    assertThatThrownBy(() -> PrivacyUnit.of("person", "x".repeat(1001)))
        .hasMessageContaining("at most 1000");
    // A right-to-left override would make an auditor's terminal show text other than the file's.
    assertThatThrownBy(() -> PrivacyUnit.of("person", "a \u202Eesuoh\u202C b"))
        .hasMessageContaining("format");
    assertThatThrownBy(() -> PrivacyUnit.of("person", "a\u2028b"))
        .hasMessageContaining("separator");
    assertThatThrownBy(() -> UnitClaim.perUnit("")).hasMessageContaining("unit must be");
    assertThat(PrivacyUnit.of("device-id_2", "").name()).isEqualTo("device-id_2");
  }

  @Test
  void anInMemoryBudgetWithAUnit_checksClaims_andOneWithoutTakesAny() {
    PrivacyBudget person = PrivacyBudget.inMemory(1, 1e-6, LedgerFixture.GRID, PERSON);
    assertThatThrownBy(
            () ->
                person.charge(
                    LedgerFixture.laplace(0.5), UnitClaim.perUnit("household"), "x", "", null))
        .isInstanceOf(UnitMismatchException.class);
    assertThat(person.spent().epsilon()).isZero();
    Charge c =
        person.charge(LedgerFixture.laplace(0.5), UnitClaim.perUnit("person"), "x", "", null);
    assertThat(c.recorded()).isFalse();
    assertThat(c.unit()).isEqualTo(UnitClaim.perUnit("person"));
    PrivacyBudget undeclared = PrivacyBudget.inMemory(1, 1e-6, LedgerFixture.GRID);
    undeclared.checkClaim(null);
    undeclared.checkClaim(UnitClaim.perUnit("household"));
    undeclared.spend(LedgerFixture.laplace(0.5));
    assertThat(List.of(undeclared.unit().isPresent(), person.unit().isPresent()))
        .containsExactly(false, true);
  }
}
