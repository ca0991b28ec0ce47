package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.accounting.ZcdpEvent;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.LocalDirectoryStore;

/** The jobs' --accountant: a new ledger's rule, checked against an existing one. No Spark. */
class JobLedgerAccountantTest {
  @TempDir Path tmp;

  private JobOptions.LedgerOptions options(String accountant) {
    JobOptions.LedgerOptions o = new JobOptions.LedgerOptions();
    o.location = tmp.resolve("ledger").toString();
    o.key = tmp.resolve("keys/holder.key");
    o.budgetEpsilon = 3.0;
    o.budgetDelta = 1e-5;
    o.unit = "person";
    o.unitDefinition = "";
    o.accountant = accountant;
    return o;
  }

  private LocalDirectoryStore store() {
    return new LocalDirectoryStore(tmp.resolve("ledger"));
  }

  @Test
  void pld_createsAPldLedger_whoseJournalsAndPreviewAdmitUnderPld() throws Exception {
    JobLedger job = JobLedger.prepare(store(), options("pld"));
    assertThat(job.previewBudget().accountant()).isEqualTo(Accountant.PLD);
    Ledger ledger = job.openOrCreate();
    assertThat(ledger.genesis().accountant()).isEqualTo(Accountant.PLD);
    assertThat(Files.readString(tmp.resolve("ledger").resolve(LedgerLayout.GENESIS)))
        .contains("\"accountant\":\"pld\"");
    JobLedger.ReceiptJournal journal = new JobLedger.ReceiptJournal(ledger, "", "");
    assertThat(journal.budget().accountant()).isEqualTo(Accountant.PLD);
    assertThatThrownBy(
            () ->
                journal
                    .budget()
                    .charge(new ZcdpEvent(0.01), UnitClaim.perUnit("person"), "release", "", null))
        .hasMessageContaining("use an RDP ledger");
    assertThat(ledger.entries()).isZero();
    journal
        .budget()
        .charge(
            GaussianEvent.withNoiseMultiplier(5), UnitClaim.perUnit("person"), "release", "", null);
    assertThat(ledger.entries()).isEqualTo(1);
  }

  @Test
  void noAccountant_createsAnRdpLedger_andAnExistingLedgerKeepsItsOwn() throws Exception {
    JobLedger.prepare(store(), options(null)).openOrCreate();
    assertThat(Files.readString(tmp.resolve("ledger").resolve(LedgerLayout.GENESIS)))
        .doesNotContain("accountant");
    assertThat(JobLedger.prepare(store(), options("rdp")).previewBudget().accountant())
        .isEqualTo(Accountant.RDP);
    assertThatThrownBy(() -> JobLedger.prepare(store(), options("pld")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--accountant must match the existing ledger's accountant rdp");
  }

  @Test
  void unknownAccountant_isRefusedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> JobLedger.prepare(store(), options("prv")))
        .hasMessageContaining("--accountant must be one of rdp, pld; got 'prv'");
    assertThat(Files.exists(tmp.resolve("keys/holder.key"))).isFalse();
  }
}
