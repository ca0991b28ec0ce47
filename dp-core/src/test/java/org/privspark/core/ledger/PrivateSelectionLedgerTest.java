package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivateSelectionEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.audit.AuditReport;

/**
 * The "private-selection" event in a ledger entry: encoded, read back, recomputed by the auditor.
 */
class PrivateSelectionLedgerTest {
  @TempDir Path dir;

  private static final PrivacyEvent SELECTION =
      new PrivateSelectionEvent(
          List.of(
              new SampledGaussianEvent(0.01, 1.2, 300).and(new LaplaceEvent(10, 1)),
              new SampledGaussianEvent(0.01, 1.2, 600).and(new LaplaceEvent(10, 1))),
          1,
          0.25);

  @Test
  void codec_roundTrip_givesTheSameEvent() {
    var node = EventCodec.encode(SELECTION);
    assertThat(node.get("kind").asText()).isEqualTo("private-selection");
    assertThat(node.get("candidates").size()).isEqualTo(2);
    assertThat(EventCodec.decode(node, 1)).isEqualTo(SELECTION);
  }

  @Test
  void ledger_entryWithSelection_verifiesAndRecordsTheEvent() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 100, 1e-5);
    f.ledger.append("dp-tuning", SELECTION, ReleaseDetails.describing("tuner"));
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.mechanisms()).containsOnlyKeys("dp-tuning");
    assertThat(f.read(1).event()).isEqualTo(SELECTION);
  }

  @Test
  void ledger_tamperedGamma_isFound() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 100, 1e-5);
    f.ledger.append("dp-tuning", SELECTION, ReleaseDetails.describing("tuner"));
    String text = java.nio.file.Files.readString(f.entry(1));
    assertThat(text).contains("\"gamma\":0.25");
    f.write(f.entry(1), text.replace("\"gamma\":0.25", "\"gamma\":0.5"));
    assertThat(f.verify().intact()).isFalse();
  }
}
