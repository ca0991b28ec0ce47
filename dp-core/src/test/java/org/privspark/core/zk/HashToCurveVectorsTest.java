package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * Every RFC 9380 vector for P256_XMD:SHA-256_SSWU_RO_/_NU_ and expand_message_xmd(SHA-256)
 * (src/test/resources/vectors/rfc9380-hash-to-curve, see its README). Each test collects every
 * mismatching field of every vector and asserts the list is empty.
 */
class HashToCurveVectorsTest {
  private static final String DIR = "rfc9380-hash-to-curve/";

  private static byte[] ascii(JsonNode n) {
    return n.asText().getBytes(StandardCharsets.US_ASCII);
  }

  private static void expectPoint(List<String> failures, String where, JsonNode want, ECPoint got) {
    ECPoint p = got.normalize();
    if (!VectorFiles.hexInt(want.get("x")).equals(p.getAffineXCoord().toBigInteger())
        || !VectorFiles.hexInt(want.get("y")).equals(p.getAffineYCoord().toBigInteger())) {
      failures.add(where + ": got (" + p.getAffineXCoord() + ", " + p.getAffineYCoord() + ")");
    }
  }

  private static int suite(String file, boolean randomOracle) throws IOException {
    JsonNode suite = VectorFiles.read(DIR + file);
    assertThat(suite.get("randomOracle").asBoolean()).isEqualTo(randomOracle);
    assertThat(VectorFiles.hexInt(suite.get("field").get("p"))).isEqualTo(P256.P);
    assertThat(VectorFiles.hexInt(suite.get("L")).intValue()).isEqualTo(HashToCurveP256.L);
    byte[] dst = ascii(suite.get("dst"));
    List<String> failures = new ArrayList<>();
    int count = 0;
    for (JsonNode v : suite.get("vectors")) {
      byte[] msg = ascii(v.get("msg"));
      String where = file + " msg=\"" + v.get("msg").asText() + "\"";
      int uCount = randomOracle ? 2 : 1;
      BigInteger[] u = HashToCurveP256.hashToField(msg, dst, uCount);
      for (int i = 0; i < uCount; i++) {
        if (!VectorFiles.hexInt(v.get("u").get(i)).equals(u[i])) {
          failures.add(where + " u[" + i + "]: got " + u[i].toString(16));
        }
        // The RO files name the two mapped points Q0 and Q1, the NU files the one point Q.
        String q = randomOracle ? "Q" + i : "Q";
        expectPoint(failures, where + " " + q, v.get(q), HashToCurveP256.mapToCurve(u[i]));
      }
      ECPoint p =
          randomOracle
              ? HashToCurveP256.hashToCurve(msg, dst)
              : HashToCurveP256.encodeToCurve(msg, dst);
      expectPoint(failures, where + " P", v.get("P"), p);
      count++;
    }
    assertThat(failures).isEmpty();
    return count;
  }

  private static int expander(String file) throws IOException {
    JsonNode f = VectorFiles.read(DIR + file);
    byte[] dst = ascii(f.get("DST"));
    List<String> failures = new ArrayList<>();
    int count = 0;
    for (JsonNode t : f.get("tests")) {
      int len = Integer.decode(t.get("len_in_bytes").asText());
      byte[] got = HashToCurveP256.expandMessageXmd(ascii(t.get("msg")), dst, len);
      String want = t.get("uniform_bytes").asText();
      if (!HexFormat.of().formatHex(got).equals(want)) {
        failures.add(file + " msg=\"" + t.get("msg").asText() + "\" len=" + len);
      }
      count++;
    }
    assertThat(failures).isEmpty();
    return count;
  }

  @Test
  void hashToCurve_allP256RoVectors_matchUFieldQ0Q1AndP() throws IOException {
    assertThat(suite("P256_XMD_SHA-256_SSWU_RO_.json", true)).isEqualTo(5);
  }

  @Test
  void encodeToCurve_allP256NuVectors_matchUQAndP() throws IOException {
    assertThat(suite("P256_XMD_SHA-256_SSWU_NU_.json", false)).isEqualTo(5);
  }

  @Test
  void expandMessageXmd_sha256Dst38_allVectorsMatch() throws IOException {
    assertThat(expander("expand_message_xmd_SHA256_38.json")).isEqualTo(10);
  }

  @Test
  void expandMessageXmd_sha256OversizeDst256_reducedDstMatchesAllVectors() throws IOException {
    assertThat(expander("expand_message_xmd_SHA256_256.json")).isEqualTo(10);
  }
}
