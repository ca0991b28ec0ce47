package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decoding cases of the CFRG sigma-protocol adversarial vectors (draft; see
 * src/test/resources/vectors/cfrg-sigma-protocols/README.md): the draft's element encodings are
 * ours, so our decoders must refuse the same bytes, and accept the controls.
 */
class SigmaInvalidEncodingVectorsTest {
  /** Id suffix → what to decode from the NARG string: P = 33-byte point, S = 32-byte scalar. */
  private static final Map<String, String> CASES =
      Map.of(
          "discrete_logarithm/batchable/A1", "P",
          "discrete_logarithm/batchable/A2", "P",
          "discrete_logarithm/batchable/A2b", "P",
          "discrete_logarithm/batchable/A3", "P",
          "discrete_logarithm/batchable/A4", "P",
          "discrete_logarithm/batchable/A6", "P",
          "discrete_logarithm/batchable/B1", "PS",
          "discrete_logarithm/compact/B2", "S",
          "discrete_logarithm/batchable/F1", "PS",
          "discrete_logarithm/compact/F1", "SS");

  @Test
  void decodingCases_rejectedOrAcceptedAsTheDraftExpects() throws IOException {
    JsonNode all = VectorFiles.read("cfrg-sigma-protocols/sigma-proofs-invalid_Shake128_P256.json");
    List<String> failures = new ArrayList<>();
    int run = 0;
    for (JsonNode v : all) {
      String id = v.get("Id").asText().replace("sigma-protocols/p256/", "");
      String layout = CASES.get(id);
      if (layout == null) {
        continue;
      }
      run++;
      byte[] narg = VectorFiles.hex(v.get("NargString").asText());
      boolean wantAccept = v.get("Expected").asText().equals("accept");
      String outcome = "accepted";
      int at = 0;
      try {
        for (char kind : layout.toCharArray()) {
          int len = kind == 'P' ? PointCodec.LENGTH : ScalarCodec.LENGTH;
          byte[] element = Arrays.copyOfRange(narg, at, at + len);
          at += len;
          if (kind == 'P') {
            PointCodec.decode(element);
          } else {
            ScalarCodec.decode(element);
          }
        }
      } catch (ZkVerificationException e) {
        outcome = "rejected (" + e.reason() + ")";
      }
      if (wantAccept != outcome.equals("accepted")) {
        failures.add(id + " [" + v.get("Comment").asText() + "]: " + outcome);
      }
    }
    assertThat(run).isEqualTo(CASES.size());
    assertThat(failures).isEmpty();
  }
}
