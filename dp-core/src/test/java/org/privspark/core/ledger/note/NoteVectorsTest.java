package org.privspark.core.ledger.note;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Third-party signed-note vectors (src/test/resources/vectors/c2sp-signed-note, see its README):
 * the example of the C2SP specification and the example of Go's golang.org/x/mod/sumdb/note.
 */
class NoteVectorsTest {
  private static JsonNode vector(String name) throws IOException {
    try (InputStream in =
        NoteVectorsTest.class.getResourceAsStream("/vectors/c2sp-signed-note/" + name)) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void c2spExample_verifierKey_parsesWithComputedKeyId() throws IOException {
    JsonNode v = vector("ed25519-example.json");
    NoteVerifier verifier = NoteVerifier.parse(v.get("vkey").asText());
    assertThat(verifier.name()).isEqualTo("example.com/foo");
    assertThat(String.format("%08x", verifier.keyId())).isEqualTo("530d903a");
    assertThat(verifier.encode()).isEqualTo(v.get("vkey").asText());
  }

  @Test
  void c2spExample_signedNote_opensWithItsKey() throws Exception {
    JsonNode v = vector("ed25519-example.json");
    NoteVerifier verifier = NoteVerifier.parse(v.get("vkey").asText());
    String note = v.get("full_signed_note").asText();
    assertThat(note)
        .isEqualTo(v.get("note_text").asText() + "\n" + v.get("signature_line").asText() + "\n");

    VerifiedNote opened = SignedNotes.open(note.getBytes(UTF_8), List.of(verifier));
    assertThat(opened.text()).isEqualTo(v.get("note_text").asText());
    assertThat(opened.signatures()).hasSize(1);
    assertThat(opened.signatures().get(0).line()).isEqualTo(v.get("signature_line").asText());
    assertThat(opened.unverifiedSignatures()).isEmpty();
  }

  @Test
  void goExample_signerKey_derivesTheVerifierKey() throws IOException {
    JsonNode v = vector("go-sumdb-note-example.json");
    NoteSigner signer = NoteSigner.parse(v.get("skey").asText());
    assertThat(signer.verifier().encode()).isEqualTo(v.get("vkey").asText());
    assertThat(signer.exportSignerKey()).isEqualTo(v.get("skey").asText());
    assertThat(signer.verifier()).isEqualTo(NoteVerifier.parse(v.get("vkey").asText()));
  }

  @Test
  void goExample_sign_reproducesTheSignedNoteByteForByte() throws Exception {
    JsonNode v = vector("go-sumdb-note-example.json");
    NoteSigner signer = NoteSigner.parse(v.get("skey").asText());
    String note = SignedNotes.sign(v.get("note_text").asText(), signer);
    assertThat(note).isEqualTo(v.get("full_signed_note").asText());

    VerifiedNote opened =
        SignedNotes.open(note, List.of(NoteVerifier.parse(v.get("vkey").asText())));
    assertThat(opened.text()).isEqualTo(v.get("note_text").asText());
  }
}
