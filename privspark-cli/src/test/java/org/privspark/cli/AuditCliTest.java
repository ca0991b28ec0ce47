package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.merkle.MerkleTree;

/**
 * What {@code privspark audit} tells apart, and what it never prints: exit 1 and "REJECTED" for a
 * ledger that fails, exit 2 and a message naming the auditor's mistake (nothing verified) for a
 * mistyped path, a key file of the wrong kind or a saved checkpoint a copy damaged; no figure of a
 * rejected ledger in text, JSON or HTML; no key material in any error.
 */
class AuditCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path ledger;
  private Path key;
  private Path pub;
  private Path saved;

  @BeforeEach
  void threeEntries() throws Exception {
    ledger = tmp.resolve("ledger");
    key = tmp.resolve("keys/holder.key");
    pub = tmp.resolve("keys/holder.key.pub");
    CliRun init =
        CliRun.of(
            "ledger",
            "init",
            ledger.toString(),
            "--unit",
            "person",
            "--budget-epsilon",
            "5.0",
            "--budget-delta",
            "1e-6",
            "--key-out",
            key.toString(),
            "--origin",
            "example.org/audit-cli");
    assertThat(init.exit()).as(init.err()).isZero();
    for (String epsilon : List.of("0.5", "2.0", "0.46")) {
      CliRun r =
          CliRun.of(
              "ledger",
              "record",
              ledger.toString(),
              "--unit",
              "person",
              "--key",
              key.toString(),
              "--event",
              "pure:epsilon=" + epsilon,
              "--mechanism",
              "private-aggregation");
      assertThat(r.exit()).as(r.err()).isZero();
    }
    saved = tmp.resolve("saved.checkpoint");
    Files.writeString(
        saved, CliRun.of("ledger", "checkpoint", ledger.toString()).out(), StandardCharsets.UTF_8);
  }

  private CliRun verify(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("audit", "verify", ledger.toString(), "--public-key", pub.toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  /**
   * The key fingerprint is SHA-256 of KEY.pub's one line without its line ending, what {@code tr -d
   * '\r\n' < KEY.pub | sha256sum} prints: the same for a KEY.pub saved with CRLF; a file that holds
   * the key in another form (a space, upper-case hex) is refused (exit 2), so that no report shows
   * a fingerprint that command would not print.
   */
  @Test
  void keyFingerprint_isTheKeyLineWithoutItsLineEnding_andOtherFormsAreRefused() throws Exception {
    String line = Files.readString(pub, StandardCharsets.US_ASCII).strip();
    String sha =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(line.getBytes(StandardCharsets.US_ASCII)));
    for (String file : List.of(line, line + "\n", line + "\r\n")) {
      Path p = tmp.resolve("copy.pub");
      Files.writeString(p, file, StandardCharsets.US_ASCII);
      Path html = tmp.resolve("report.html");
      CliRun v =
          CliRun.of(
              "audit",
              "verify",
              ledger.toString(),
              "--public-key",
              p.toString(),
              "--html",
              html.toString());
      assertThat(v.exit()).as(v.err()).isZero();
      assertThat(Files.readString(html, StandardCharsets.UTF_8))
          .contains("<code>" + sha + "</code>");
    }
    String[] parts = line.split("\\+", 3);
    List<String> others =
        new ArrayList<>(List.of(" " + line + "\n", line + " \n", line + "\t\r\n"));
    String upper = parts[0] + "+" + parts[1].toUpperCase(java.util.Locale.ROOT) + "+" + parts[2];
    if (!upper.equals(line)) { // a key ID of digits only has no upper case
      others.add(upper + "\n");
    }
    for (String file : others) {
      Path p = tmp.resolve("copy.pub");
      Files.writeString(p, file, StandardCharsets.US_ASCII);
      CliRun v = CliRun.of("audit", "verify", ledger.toString(), "--public-key", p.toString());
      assertThat(v.exit()).as(file).isEqualTo(2);
      assertThat(v.err()).contains("not as its one canonical line");
    }
  }

  /**
   * Entry 2's ε lowered from 2.0 to 0.2 without the key: entry 3's chain breaks (CHAIN_BROKEN at
   * 3).
   */
  private void tamperWithEntryTwo() throws Exception {
    Path two = ledger.resolve("entries/00000000000000000002.json");
    String text = Files.readString(two, StandardCharsets.UTF_8);
    assertThat(text).contains("\"epsilon\":2.0");
    Files.writeString(
        two, text.replace("\"epsilon\":2.0", "\"epsilon\":0.2"), StandardCharsets.UTF_8);
  }

  private static void assertNoInputError(CliRun r) {
    assertThat(r.err()).doesNotContain("Usage:");
  }

  private static void assertInputError(CliRun r, String words) {
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains(words).doesNotContain("REJECTED");
    assertThat(r.out()).doesNotContain("REJECTED").doesNotContain("intact");
  }

  @Test
  void verify_intact_reportsTheFigures() {
    CliRun r = verify();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("intact: 3 entries")
        .contains("spent: epsilon=2.96000")
        .contains("remaining");
  }

  /**
   * The case: tampered at entry 2, the old report gave the totals of entry 1 (spent 0.5,
   * remaining 4.5) when 2.96 was spent. A rejection now prints the failure and no figure.
   */
  @Test
  void verify_rejected_printsNoFigureInTextJsonOrHtml() throws Exception {
    tamperWithEntryTwo();
    Path html = tmp.resolve("report.html");
    CliRun text = verify("--html", html.toString());
    assertThat(text.exit()).isEqualTo(1);
    assertNoInputError(text);
    assertThat(text.out()).startsWith("REJECTED: CHAIN_BROKEN at entry 3: ");
    assertThat(text.out() + text.err())
        .doesNotContain("spent")
        .doesNotContain("remaining")
        .doesNotContain("budget")
        .doesNotContain("origin")
        .doesNotContain("4.5")
        .doesNotContain("0.5")
        .doesNotContain("entries:");

    CliRun json = verify("--json");
    assertThat(json.exit()).isEqualTo(1);
    JsonNode j = JSON.readTree(json.out());
    List<String> fields = new ArrayList<>();
    j.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("intact", "reason", "failedIndex", "message");
    assertThat(j.get("reason").asText()).isEqualTo("CHAIN_BROKEN");
    assertThat(j.get("failedIndex").asLong()).isEqualTo(3);

    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertThat(page)
        .contains("Verification failed: CHAIN_BROKEN at entry 3")
        .doesNotContain("Spent")
        .doesNotContain("Remaining")
        .doesNotContain("Budget")
        .doesNotContain("ε =")
        .doesNotContain("<svg")
        .doesNotContain("Per mechanism");
  }

  @Test
  void checkpointWithoutItsFinalNewline_isTheAuditorsInputError() throws Exception {
    String note = Files.readString(saved, StandardCharsets.UTF_8);
    Files.writeString(saved, note.substring(0, note.length() - 1), StandardCharsets.UTF_8);
    assertInputError(verify("--checkpoint", saved.toString()), "lost its final newline");
    assertInputError(
        CliRun.of(
            "audit",
            "consistency",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--from",
            saved.toString()),
        "lost its final newline");
  }

  @Test
  void checkpointWithCrlfLineEndings_isTheAuditorsInputError() throws Exception {
    String note = Files.readString(saved, StandardCharsets.UTF_8);
    Files.writeString(saved, note.replace("\n", "\r\n"), StandardCharsets.UTF_8);
    assertInputError(verify("--checkpoint", saved.toString()), "CRLF");
  }

  @Test
  void checkpointFileThatIsNoCheckpoint_isTheAuditorsInputError() {
    assertInputError(verify("--checkpoint", pub.toString()), "is not a saved checkpoint");
    assertInputError(
        verify("--checkpoint", tmp.resolve("missing.checkpoint").toString()), "does not exist");
  }

  /** A saved checkpoint that is well formed but does not match: the ledger's failure, exit 1. */
  @Test
  void checkpointOfAnotherHistory_isTheLedgersFailure() throws Exception {
    Files.delete(ledger.resolve("entries/00000000000000000003.json"));
    Files.delete(ledger.resolve("heads/00000000000000000004"));
    CliRun r = verify("--checkpoint", saved.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("REJECTED: INCONSISTENT_CHECKPOINT");
    assertNoInputError(r);
  }

  @Test
  void mistypedLedgerPath_isTheAuditorsInputError() throws Exception {
    assertInputError(
        CliRun.of(
            "audit", "verify", tmp.resolve("ledgr").toString(), "--public-key", pub.toString()),
        "does not exist");
    assertInputError(
        CliRun.of("audit", "verify", pub.toString(), "--public-key", pub.toString()),
        "is not a directory");
    Files.createDirectories(tmp.resolve("empty"));
    assertInputError(
        CliRun.of(
            "audit", "verify", tmp.resolve("empty").toString(), "--public-key", pub.toString()),
        "holds no ledger");
  }

  /**
   * The review's attack through the command line: ledger.json's budget lowered to ε = 1 and the
   * entries chained afresh, without the key (heads/ untouched). The old auditor exited 1 with
   * "BUDGET_EXCEEDED at entry 2: the total reaches epsilon 2.5 … against the budget (1.0, …)": the
   * attacker's reason and figures. The finding is the signed checkpoint's root, in every output.
   */
  @Test
  void budgetLoweredWithoutTheKey_isRejectedForTheRoot_withNoFigureInTextJsonOrHtml()
      throws Exception {
    Path genesisFile = ledger.resolve(LedgerLayout.GENESIS);
    LedgerGenesis g = LedgerGenesis.decode(Files.readAllBytes(genesisFile));
    byte[] lowered =
        new LedgerGenesis(
                g.origin(),
                g.createdMillis(),
                g.mode(),
                1.0,
                g.budgetDelta(),
                g.grid(),
                g.publicKey(),
                g.formatVersion(),
                g.unit())
            .encode();
    Files.write(genesisFile, lowered);
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(lowered);
    for (long seq = 1; seq <= 3; seq++) {
      Path file = ledger.resolve(LedgerEntry.path(seq));
      LedgerEntry e = LedgerEntry.decode(Files.readAllBytes(file), seq);
      byte[] bytes =
          new LedgerEntry(
                  seq,
                  e.timeMillis(),
                  e.origin(),
                  tree.leafHash(seq - 1),
                  e.releaseId(),
                  e.mechanism(),
                  e.event(),
                  e.cost(),
                  e.commitments(),
                  e.confidentialCost(),
                  e.unit())
              .encode();
      Files.write(file, bytes);
      tree.appendLeafData(bytes);
    }
    Path html = tmp.resolve("report.html");
    CliRun text = verify("--html", html.toString());
    assertThat(text.exit()).isEqualTo(1);
    assertNoInputError(text);
    assertThat(text.out()).startsWith("REJECTED: ROOT_MISMATCH: ");
    assertThat(text.out() + text.err())
        .doesNotContain("BUDGET")
        .doesNotContain("budget")
        .doesNotContain("1.0")
        .doesNotContain("2.5");

    CliRun json = verify("--json");
    assertThat(json.exit()).isEqualTo(1);
    JsonNode j = JSON.readTree(json.out());
    assertThat(j.get("reason").asText()).isEqualTo("ROOT_MISMATCH");
    assertThat(j.get("message").asText())
        .doesNotContain("budget")
        .doesNotContain("1.0")
        .doesNotContain("2.5");

    assertThat(Files.readString(html, StandardCharsets.UTF_8))
        .contains("Verification failed: ROOT_MISMATCH")
        .doesNotContain("BUDGET")
        .doesNotContain("budget")
        .doesNotContain("2.5");
  }

  private void removeTheLedger(boolean directoryToo) throws Exception {
    try (Stream<Path> files = Files.walk(ledger)) {
      for (Path p :
          files
              .sorted(Comparator.reverseOrder())
              .filter(p -> directoryToo || !p.equals(ledger))
              .toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Everything under the ledger directory deleted: the saved checkpoint proves the ledger had 4
   * leaves, so this is a rollback to report (exit 1), not the auditor's input error (the old exit
   * 2, "holds no ledger … Nothing was verified").
   */
  @Test
  void emptiedLedger_underASavedCheckpoint_isRejected() throws Exception {
    removeTheLedger(false);
    CliRun r = verify("--checkpoint", saved.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    assertNoInputError(r);
    assertThat(r.out())
        .startsWith("REJECTED: INCONSISTENT_CHECKPOINT at entry 0: ")
        .contains("saved checkpoint 1 covers 4 leaves");
    assertThat(r.out() + r.err()).doesNotContain("Nothing was verified");

    CliRun json = verify("--checkpoint", saved.toString(), "--json");
    assertThat(json.exit()).isEqualTo(1);
    assertThat(JSON.readTree(json.out()).get("reason").asText())
        .isEqualTo("INCONSISTENT_CHECKPOINT");

    CliRun consistency =
        CliRun.of(
            "audit",
            "consistency",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--from",
            saved.toString());
    assertThat(consistency.exit()).as(consistency.out() + consistency.err()).isEqualTo(1);
    assertThat(consistency.err()).startsWith("INCONSISTENT: INCONSISTENT_CHECKPOINT");

    // Without a saved checkpoint nothing says a ledger was there: the auditor's input error.
    assertInputError(verify(), "holds no ledger");
  }

  /**
   * The ledger directory itself removed: the same rollback under a saved checkpoint; else a path to
   * check.
   */
  @Test
  void removedLedgerDirectory_underASavedCheckpoint_isRejected() throws Exception {
    removeTheLedger(true);
    CliRun r = verify("--checkpoint", saved.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    assertNoInputError(r);
    assertThat(r.out()).startsWith("REJECTED: INCONSISTENT_CHECKPOINT at entry 0: ");
    assertInputError(verify(), "does not exist");
  }

  /** ledger.json removed, entries left: the ledger's failure. */
  @Test
  void ledgerWithoutLedgerJson_isTheLedgersFailure() throws Exception {
    Files.delete(ledger.resolve("ledger.json"));
    CliRun r = verify();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("REJECTED: GENESIS_MISMATCH");
  }

  /** The private key given as --public-key: named as such, and not one character of it printed. */
  @Test
  void privateKeyAsPublicKey_saysSoAndPrintsNothingOfIt() throws Exception {
    String secret = Files.readString(key, StandardCharsets.US_ASCII).strip();
    String seed = secret.split("\\+", 5)[4]; // PRIVATE+KEY+name+id+base64(0x01 || seed)
    List<CliRun> runs =
        List.of(
            CliRun.of("audit", "verify", ledger.toString(), "--public-key", key.toString()),
            CliRun.of(
                "audit",
                "consistency",
                ledger.toString(),
                "--public-key",
                key.toString(),
                "--from",
                saved.toString()),
            CliRun.of(
                "audit",
                "open",
                ledger.toString(),
                "--public-key",
                key.toString(),
                "--entry",
                "1",
                "--opening",
                saved.toString()));
    for (CliRun r : runs) {
      assertInputError(r, "this looks like a private key");
      assertThat(r.out() + r.err())
          .doesNotContain(seed)
          .doesNotContain(seed.substring(0, 12))
          .doesNotContain("PRIVATE+KEY+");
    }
  }

  @Test
  void otherPrivateKeysAsPublicKey_areNamedAndNotShown() throws Exception {
    Path pem = tmp.resolve("id_ed25519");
    String body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";
    Files.writeString(
        pem,
        "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n");
    CliRun r = CliRun.of("audit", "verify", ledger.toString(), "--public-key", pem.toString());
    assertInputError(r, "this looks like a private key");
    assertThat(r.out() + r.err()).doesNotContain(body.substring(0, 20));
    Path junk = tmp.resolve("junk.pub");
    Files.writeString(junk, "not-a-key-but-maybe-a-secret-3f9a\n");
    CliRun j = CliRun.of("audit", "verify", ledger.toString(), "--public-key", junk.toString());
    assertInputError(j, "is not a PrivSpark public key file");
    assertThat(j.out() + j.err()).doesNotContain("maybe-a-secret");
  }

  @Test
  void missingPublicKeyFile_isTheAuditorsInputError() {
    assertInputError(
        CliRun.of(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            tmp.resolve("nope.pub").toString()),
        "does not exist");
  }

  /**
   * The holder's commands: the public key given as --key is named as such; a missing key file too.
   */
  @Test
  void publicKeyAsKey_isNamedAsSuch() {
    CliRun r =
        CliRun.of(
            "ledger",
            "record",
            ledger.toString(),
            "--unit",
            "person",
            "--key",
            pub.toString(),
            "--event",
            "pure:epsilon=0.1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("this looks like a public key");
    CliRun missing =
        CliRun.of(
            "ledger",
            "record",
            ledger.toString(),
            "--unit",
            "person",
            "--key",
            tmp.resolve("nokey").toString(),
            "--event",
            "pure:epsilon=0.1");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("--key").contains("does not exist");
    assertThat(Files.exists(ledger.resolve("entries/00000000000000000004.json"))).isFalse();
  }

  /** A damaged signer key file is refused without showing its contents. */
  @Test
  void damagedSignerKey_isRefusedWithoutShowingIt() throws Exception {
    String secret = Files.readString(key, StandardCharsets.US_ASCII).strip();
    Path damaged = tmp.resolve("damaged.key");
    Files.writeString(damaged, secret.substring(0, secret.length() - 4) + "!!!!\n");
    CliRun r =
        CliRun.of(
            "ledger",
            "record",
            ledger.toString(),
            "--unit",
            "person",
            "--key",
            damaged.toString(),
            "--event",
            "pure:epsilon=0.1");
    assertThat(r.exit()).isEqualTo(2);
    String seed = secret.split("\\+", 5)[4]; // PRIVATE+KEY+name+id+base64(0x01 || seed)
    assertThat(r.out() + r.err()).contains("--key").doesNotContain(seed.substring(0, 12));
  }
}
