package org.privspark.core.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs every probe of the transparency-dev/merkle test vectors (src/test/resources/vectors/
 * rfc6962-merkle, see its README) through {@link MerkleVerifier}, collects every probe whose
 * outcome differs from its {@code wantErr}, and asserts that list is empty. Also checks that the
 * happy-path proofs equal the ones {@link MerkleTree} generates for the reference tree.
 */
class MerkleVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROOT = "/vectors/rfc6962-merkle/";
  private static final Path TESTDATA = resource(ROOT + "transparency-dev-merkle/testdata");

  private static Path resource(String name) {
    try {
      return Path.of(MerkleVectorsTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> probes(String kind) throws IOException {
    try (Stream<Path> files = Files.walk(TESTDATA.resolve(kind))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** u64 to long: values above 2^63 - 1 wrap to negative, which the verifier refuses. */
  private static long u64(JsonNode n) {
    BigInteger v = n.bigIntegerValue();
    assertThat(v.signum()).isNotNegative();
    assertThat(v.bitLength()).isLessThanOrEqualTo(64);
    return v.longValue();
  }

  private static byte[] b64(JsonNode n) {
    return Base64.getDecoder().decode(n.asText());
  }

  private static List<byte[]> proof(JsonNode n) {
    List<byte[]> out = new ArrayList<>();
    if (n != null && !n.isNull()) {
      n.forEach(e -> out.add(b64(e)));
    }
    return out;
  }

  private static String rel(Path p) {
    return TESTDATA.relativize(p).toString();
  }

  @Test
  void inclusionVectors_all98Probes_matchWantErr() throws IOException {
    List<Path> files = probes("inclusion");
    List<String> failures = new ArrayList<>();
    int rejected = 0;
    for (Path f : files) {
      JsonNode v = JSON.readTree(f.toFile());
      boolean wantErr = v.get("wantErr").asBoolean();
      String outcome;
      try {
        MerkleVerifier.verifyInclusion(
            u64(v.get("leafIdx")),
            u64(v.get("treeSize")),
            b64(v.get("leafHash")),
            proof(v.get("proof")),
            b64(v.get("root")));
        outcome = "accepted";
      } catch (ProofVerificationException e) {
        outcome = "rejected: " + e.getMessage();
        rejected++;
      }
      if (wantErr != outcome.startsWith("rejected")) {
        failures.add(
            rel(f) + " (" + v.get("desc").asText() + ") wantErr=" + wantErr + " but " + outcome);
      }
    }
    assertThat(files).hasSize(98);
    assertThat(failures).isEmpty();
    assertThat(rejected).isGreaterThan(80);
  }

  @Test
  void consistencyVectors_all98Probes_matchWantErr() throws IOException {
    List<Path> files = probes("consistency");
    List<String> failures = new ArrayList<>();
    for (Path f : files) {
      JsonNode v = JSON.readTree(f.toFile());
      boolean wantErr = v.get("wantErr").asBoolean();
      String outcome;
      try {
        MerkleVerifier.verifyConsistency(
            u64(v.get("size1")),
            u64(v.get("size2")),
            proof(v.get("proof")),
            b64(v.get("root1")),
            b64(v.get("root2")));
        outcome = "accepted";
      } catch (ProofVerificationException e) {
        outcome = "rejected: " + e.getMessage();
      }
      if (wantErr != outcome.startsWith("rejected")) {
        failures.add(
            rel(f) + " (" + v.get("desc").asText() + ") wantErr=" + wantErr + " but " + outcome);
      }
    }
    assertThat(files).hasSize(98);
    assertThat(failures).isEmpty();
  }

  @Test
  void happyPaths_onReferenceTree_equalGeneratedProofs() throws IOException {
    JsonNode ref = JSON.readTree(resource(ROOT + "reference-tree.json").toFile());
    MerkleTree tree = new MerkleTree();
    ref.get("leaf_inputs_hex")
        .forEach(h -> tree.appendLeafData(HexFormat.of().parseHex(h.asText())));
    List<String> failures = new ArrayList<>();
    int compared = 0;
    for (Path f : probes("inclusion")) {
      JsonNode v = JSON.readTree(f.toFile());
      if (!f.getFileName().toString().equals("happy-path.json")) {
        continue;
      }
      long size = v.get("treeSize").asLong();
      if (size > tree.size() || !java.util.Arrays.equals(tree.root(size), b64(v.get("root")))) {
        continue; // not a proof over the reference tree
      }
      compared++;
      InclusionProof mine = tree.inclusionProof(v.get("leafIdx").asLong(), size);
      if (!Hashes.equal(mine.path(), proof(v.get("proof")))) {
        failures.add(rel(f) + ": generated " + mine);
      }
    }
    for (Path f : probes("consistency")) {
      JsonNode v = JSON.readTree(f.toFile());
      if (!f.getFileName().toString().equals("happy-path.json")) {
        continue;
      }
      long size2 = v.get("size2").asLong();
      if (size2 > tree.size() || !java.util.Arrays.equals(tree.root(size2), b64(v.get("root2")))) {
        continue;
      }
      compared++;
      ConsistencyProof mine = tree.consistencyProof(v.get("size1").asLong(), size2);
      if (!Hashes.equal(mine.path(), proof(v.get("proof")))) {
        failures.add(rel(f) + ": generated " + mine);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(compared).isGreaterThanOrEqualTo(8);
  }
}
