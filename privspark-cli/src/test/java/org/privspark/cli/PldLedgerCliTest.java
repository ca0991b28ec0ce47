package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.ledger.LedgerLayout;

/** {@code privspark ledger init --accountant pld}, spends under PLD, and the auditor's report. */
class PldLedgerCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private CliRun init(Path ledger, Path key, String... extra) {
    String[] base = {
      "ledger",
      "init",
      ledger.toString(),
      "--unit",
      "person",
      "--budget-epsilon",
      "3.0",
      "--budget-delta",
      "1e-5",
      "--key-out",
      key.toString(),
      "--origin",
      "example.org/pld-ledger"
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRun.of(args);
  }

  private static CliRun record(Path ledger, Path key, String event) {
    return CliRun.of(
        "ledger",
        "record",
        ledger.toString(),
        "--unit",
        "person",
        "--key",
        key.toString(),
        "--event",
        event,
        "--mechanism",
        "dp-sgd");
  }

  @Test
  void pldLedger_recordsAndVerifies_withTheAccountantInEveryReport() throws Exception {
    Path ledger = tmp.resolve("ledger");
    Path key = tmp.resolve("keys/holder.key");
    CliRun created = init(ledger, key, "--accountant", "pld");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).contains("accountant: pld");
    assertThat(Files.readString(ledger.resolve(LedgerLayout.GENESIS)))
        .contains("\"accountant\":\"pld\"");

    CliRun spend = record(ledger, key, "sampled-gaussian:q=0.05,sigma=1.5,steps=50");
    assertThat(spend.exit()).as(spend.err()).isZero();

    CliRun text = CliRun.of("audit", "verify", ledger.toString(), "--public-key", key + ".pub");
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out()).contains("accountant: pld");
    JsonNode json =
        JSON.readTree(
            CliRun.of("audit", "verify", ledger.toString(), "--public-key", key + ".pub", "--json")
                .out());
    assertThat(json.get("intact").asBoolean()).isTrue();
    assertThat(json.get("accountant").asText()).isEqualTo("pld");
    assertThat(json.get("spentEpsilon").asDouble()).isPositive().isLessThan(3.0);
  }

  @Test
  void defaultLedger_isRdp_andItsGenesisHasNoField() throws Exception {
    Path ledger = tmp.resolve("ledger");
    Path key = tmp.resolve("keys/holder.key");
    CliRun created = init(ledger, key);
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).contains("accountant: rdp");
    assertThat(Files.readString(ledger.resolve(LedgerLayout.GENESIS))).doesNotContain("accountant");
    CliRun text = CliRun.of("audit", "verify", ledger.toString(), "--public-key", key + ".pub");
    assertThat(text.out()).contains("accountant: rdp");
  }

  @Test
  void confidentialPld_isRefusedBeforeTheKeyOrLedgerIsWritten() {
    Path ledger = tmp.resolve("ledger");
    Path key = tmp.resolve("keys/holder.key");
    CliRun r = init(ledger, key, "--accountant", "pld", "--mode", "confidential");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--accountant pld needs --mode transparent");
    assertThat(Files.exists(key)).isFalse();
    assertThat(Files.exists(ledger.resolve(LedgerLayout.GENESIS))).isFalse();
  }

  @Test
  void unknownAccountant_isRefusedNamingTheAllowedValues() {
    Path ledger = tmp.resolve("ledger");
    Path key = tmp.resolve("keys/holder.key");
    CliRun r = init(ledger, key, "--accountant", "prv");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--accountant must be one of rdp, pld; got 'prv'");
    assertThat(Files.exists(key)).isFalse();
  }
}
