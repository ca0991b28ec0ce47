package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.ledger.LegacyFixture;

/**
 * The ledgers written by 70184fe (costs rounded to nearest, format versions 1 and 2) through
 * today's CLI: {@code audit verify}, {@code ledger record}, {@code ledger prove-budget}, {@code
 * ledger open-sample} and {@code audit spot-check}.
 */
class LegacyLedgerCliTest {
  private static final String NONCE = "00112233445566778899aabbccddeeff";

  @TempDir Path tmp;

  private static CliRun verify(LegacyFixture f, String... extra) {
    String[] base = {"audit", "verify", f.ledgerDir.toString(), "--public-key", f.pub.toString()};
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRun.of(args);
  }

  private static CliRun record(LegacyFixture f, String event) {
    return CliRun.of(
        "ledger",
        "record",
        f.ledgerDir.toString(),
        "--key",
        f.key.toString(),
        "--event",
        event,
        "--mechanism",
        "private-aggregation");
  }

  @Test
  void transparentV1_verifies_thenTakesARecordAndStillVerifies() {
    LegacyFixture f = LegacyFixture.copy(LegacyFixture.TRANSPARENT, tmp);
    CliRun v = verify(f);
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
    assertThat(v.out()).contains("intact: 9 entries");
    CliRun r = record(f, "gaussian:sigma=1.37");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    CliRun again = verify(f);
    assertThat(again.exit()).as(again.out() + again.err()).isZero();
    assertThat(again.out()).contains("intact: 10 entries");
  }

  @Test
  void confidentialV2_provesItsBudget_beforeAndAfterARecord() {
    LegacyFixture f = LegacyFixture.copy(LegacyFixture.CONFIDENTIAL, tmp);
    for (int entries : new int[] {9, 10}) {
      if (entries == 10) {
        CliRun r = record(f, "gaussian:sigma=1.37");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
      }
      Path proof = tmp.resolve("budget-" + entries + ".proof");
      CliRun p =
          CliRun.of(
              "ledger",
              "prove-budget",
              f.ledgerDir.toString(),
              "--key",
              f.key.toString(),
              "--out",
              proof.toString());
      assertThat(p.exit()).as(p.out() + p.err()).isZero();
      CliRun v = verify(f, "--budget-proof", proof.toString());
      assertThat(v.exit()).as(v.out() + v.err()).isZero();
      assertThat(v.out()).contains("within budget: " + entries + " entries");
    }
  }

  @Test
  void confidentialV2_openSampleOfEveryEntry_passesTheSpotCheck() throws Exception {
    LegacyFixture f = LegacyFixture.copy(LegacyFixture.CONFIDENTIAL, tmp);
    Path checkpoint = tmp.resolve("checkpoint");
    CliRun c = CliRun.of("ledger", "checkpoint", f.ledgerDir.toString());
    assertThat(c.exit()).as(c.err()).isZero();
    Files.writeString(checkpoint, c.out(), StandardCharsets.UTF_8);
    Path openings = tmp.resolve("openings.json");
    CliRun o =
        CliRun.of(
            "ledger",
            "open-sample",
            f.ledgerDir.toString(),
            "--key",
            f.key.toString(),
            "--nonce",
            NONCE,
            "--sample",
            "9",
            "--out",
            openings.toString());
    assertThat(o.exit()).as(o.out() + o.err()).isZero();
    CliRun s =
        CliRun.of(
            "audit",
            "spot-check",
            f.ledgerDir.toString(),
            "--public-key",
            f.pub.toString(),
            "--nonce",
            NONCE,
            "--sample",
            "9",
            "--openings",
            openings.toString(),
            "--checkpoint",
            checkpoint.toString());
    assertThat(s.exit()).as(s.out() + s.err()).isZero();
    assertThat(s.out()).contains("spot check passed: 9 of 9 entries");
  }
}
