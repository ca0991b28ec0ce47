package org.privspark.core.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.privspark.core.ledger.merkle.MerkleTree;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.ledger.note.SignedNotes;

/**
 * Ledger files as PrivSpark wrote them before format version 3, on the JDK running the test:
 * Jackson's plain writer, whose doubles are the running JDK's {@code Double.toString} (Java 17's on
 * the test JVM), with format {@code privspark-ledger/1} or {@code /2}. And the tool to re-chain and
 * re-sign a ledger after its files were edited, as the holder of the key could.
 */
public final class LegacyLedger {
  /** The writer every ledger file went through before version 3. */
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private static final HexFormat HEX = HexFormat.of();

  private LegacyLedger() {}

  /**
   * Rewrites the ledger in {@code ledgerDir} (and the cost openings in {@code openingsDir}, if any)
   * as the pre-version-3 writer would have written the same content on this JDK, then re-chains and
   * re-signs it.
   */
  public static void rewriteAsBefore(Path ledgerDir, Path openingsDir, NoteSigner signer)
      throws IOException {
    Path genesisFile = ledgerDir.resolve(LedgerLayout.GENESIS);
    ObjectNode genesis = (ObjectNode) PLAIN.readTree(Files.readAllBytes(genesisFile));
    genesis.put(
        "format",
        "confidential".equals(genesis.get("mode").asText())
            ? "privspark-ledger/2"
            : "privspark-ledger/1");
    Files.write(genesisFile, PLAIN.writeValueAsBytes(genesis));
    for (Path entry : files(ledgerDir.resolve(LedgerLayout.ENTRIES))) {
      Files.write(entry, PLAIN.writeValueAsBytes(PLAIN.readTree(Files.readAllBytes(entry))));
    }
    if (openingsDir != null) {
      for (Path opening : files(openingsDir.resolve("cost-openings"))) {
        Files.write(opening, PLAIN.writeValueAsBytes(PLAIN.readTree(Files.readAllBytes(opening))));
      }
    }
    rechainAndSign(ledgerDir, signer);
  }

  /**
   * After ledger files were edited: sets each entry's {@code previous} to the leaf hash of the file
   * before it (a text substitution, so the rest of each file keeps its bytes), replaces the
   * checkpoints by one signed over the whole ledger.
   */
  static void rechainAndSign(Path ledgerDir, NoteSigner signer) throws IOException {
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(Files.readAllBytes(ledgerDir.resolve(LedgerLayout.GENESIS)));
    for (Path entry : files(ledgerDir.resolve(LedgerLayout.ENTRIES))) {
      String text = Files.readString(entry, StandardCharsets.UTF_8);
      String previous = PLAIN.readTree(text).get("previous").asText();
      String chained =
          text.replace(
              "\"previous\":\"" + previous + "\"",
              "\"previous\":\"" + HEX.formatHex(tree.leafHash(tree.size() - 1)) + "\"");
      Files.writeString(entry, chained, StandardCharsets.UTF_8);
      tree.appendLeafData(chained.getBytes(StandardCharsets.UTF_8));
    }
    for (Path head : files(ledgerDir.resolve(LedgerLayout.HEADS))) {
      Files.delete(head);
    }
    String origin =
        PLAIN
            .readTree(Files.readAllBytes(ledgerDir.resolve(LedgerLayout.GENESIS)))
            .get("origin")
            .asText();
    String note =
        SignedNotes.sign(Checkpoint.of(origin, tree.size(), tree.root()).format(), signer);
    Files.writeString(
        ledgerDir.resolve(LedgerLayout.head(tree.size())), note, StandardCharsets.UTF_8);
  }

  private static java.util.List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return java.util.List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
