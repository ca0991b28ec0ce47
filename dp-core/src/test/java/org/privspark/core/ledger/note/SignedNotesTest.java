package org.privspark.core.ledger.note;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.privspark.core.ledger.note.NoteVerificationException.Reason;

/** Round trips and every tamper case: body, signature, key, key name, format. */
class SignedNotesTest {
  private static final String TEXT =
      "ledger.example/budget-1\n42\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  private static final NoteSigner LOG = NoteSigner.fromSeed("ledger.example/budget-1", seed(1));
  private static final NoteSigner WITNESS = NoteSigner.fromSeed("witness.example/w1", seed(2));

  private static byte[] seed(int b) {
    byte[] s = new byte[32];
    s[0] = (byte) b;
    return s;
  }

  private static Reason rejection(String note, List<NoteVerifier> known) {
    NoteVerificationException e =
        catchThrowableOfType(
            NoteVerificationException.class, () -> SignedNotes.open(note.getBytes(UTF_8), known));
    assertThat(e).as("expected rejection of %s", note).isNotNull();
    return e.reason();
  }

  @Test
  void open_signedByKnownKey_returnsTextAndSignature() throws NoteVerificationException {
    String note = SignedNotes.sign(TEXT, LOG);
    assertThat(note).startsWith(TEXT + "\n\u2014 ledger.example/budget-1 ").endsWith("\n");
    VerifiedNote opened = SignedNotes.open(note, List.of(LOG.verifier()));
    assertThat(opened.text()).isEqualTo(TEXT);
    assertThat(opened.signatures())
        .extracting(NoteSignature::keyName)
        .containsExactly("ledger.example/budget-1");
    assertThat(opened.signatures().get(0).signature()).hasSize(64);
  }

  @Test
  void open_textWithBlankLines_splitsAtTheLastBlankLine() throws NoteVerificationException {
    String text = "first\n\nsecond\n\n";
    VerifiedNote opened = SignedNotes.open(SignedNotes.sign(text, LOG), List.of(LOG.verifier()));
    assertThat(opened.text()).isEqualTo(text);
  }

  @Test
  void open_unknownCosignature_isIgnoredButReported() throws NoteVerificationException {
    String note = SignedNotes.sign(TEXT, LOG, WITNESS);
    VerifiedNote opened = SignedNotes.open(note, List.of(LOG.verifier()));
    assertThat(opened.signatures()).extracting(NoteSignature::keyName).containsExactly(LOG.name());
    assertThat(opened.unverifiedSignatures())
        .extracting(NoteSignature::keyName)
        .containsExactly(WITNESS.name());
  }

  @Test
  void open_changedBodyByte_rejectsWithInvalidSignature() {
    String note = SignedNotes.sign(TEXT, LOG);
    String tampered = note.replaceFirst("\n42\n", "\n43\n");
    assertThat(rejection(tampered, List.of(LOG.verifier()))).isEqualTo(Reason.INVALID_SIGNATURE);
  }

  @Test
  void open_changedSignatureByte_rejectsWithInvalidSignature() {
    String note = SignedNotes.sign(TEXT, LOG);
    int split = note.lastIndexOf(' ') + 1;
    byte[] blob = Base64.getDecoder().decode(note.substring(split, note.length() - 1));
    blob[20] ^= 0x01; // in the signature, after the 4-byte key ID
    String tampered = note.substring(0, split) + Base64.getEncoder().encodeToString(blob) + "\n";
    assertThat(rejection(tampered, List.of(LOG.verifier()))).isEqualTo(Reason.INVALID_SIGNATURE);
  }

  @Test
  void open_wrongKey_rejectsWithNoKnownSignature() {
    // Another key under the same name has another key ID, so the signature is simply unknown.
    NoteSigner impostor = NoteSigner.fromSeed(LOG.name(), seed(3));
    String note = SignedNotes.sign(TEXT, impostor);
    NoteVerificationException e =
        catchThrowableOfType(
            NoteVerificationException.class, () -> SignedNotes.open(note, List.of(LOG.verifier())));
    assertThat(e.reason()).isEqualTo(Reason.NO_KNOWN_SIGNATURE);
    assertThat(e.getMessage()).contains("none of the 1 signatures is by a known key");
  }

  @Test
  void open_wrongKeyWithForgedKeyId_rejectsWithInvalidSignature() {
    // An attacker may copy the known key's name and ID onto its own signature: it must then verify.
    NoteSigner impostor = NoteSigner.fromSeed(LOG.name(), seed(3));
    String forged = SignedNotes.sign(TEXT, impostor);
    int split = forged.lastIndexOf(' ') + 1;
    byte[] blob = Base64.getDecoder().decode(forged.substring(split, forged.length() - 1));
    int id = LOG.keyId();
    blob[0] = (byte) (id >>> 24);
    blob[1] = (byte) (id >>> 16);
    blob[2] = (byte) (id >>> 8);
    blob[3] = (byte) id;
    String note = forged.substring(0, split) + Base64.getEncoder().encodeToString(blob) + "\n";
    assertThat(rejection(note, List.of(LOG.verifier()))).isEqualTo(Reason.INVALID_SIGNATURE);
  }

  @Test
  void open_wrongKeyName_rejectsWithNoKnownSignature() {
    String note =
        SignedNotes.sign(TEXT, LOG)
            .replace("\u2014 ledger.example/budget-1 ", "\u2014 ledger.example/budget-2 ");
    assertThat(rejection(note, List.of(LOG.verifier()))).isEqualTo(Reason.NO_KNOWN_SIGNATURE);
  }

  @Test
  void open_noKnownKeys_rejectsWithNoKnownSignature() {
    assertThat(rejection(SignedNotes.sign(TEXT, LOG), List.of()))
        .isEqualTo(Reason.NO_KNOWN_SIGNATURE);
  }

  @Test
  void open_oneGoodOneBadKnownSignature_rejectsWithInvalidSignature() {
    String good = SignedNotes.sign(TEXT, LOG, WITNESS);
    String[] lines = good.split("\n");
    String last = lines[lines.length - 1];
    String badWitness = last.substring(0, last.length() - 6) + "AAAAA=";
    String note = good.replace(last, badWitness);
    assertThat(rejection(note, List.of(LOG.verifier(), WITNESS.verifier())))
        .isEqualTo(Reason.INVALID_SIGNATURE);
  }

  @Test
  void open_repeatedSignature_countsOnce() throws NoteVerificationException {
    String note = SignedNotes.sign(TEXT, LOG);
    String line = note.substring(TEXT.length() + 1);
    VerifiedNote opened = SignedNotes.open(note + line, List.of(LOG.verifier()));
    assertThat(opened.signatures()).hasSize(1);
  }

  @Test
  void open_malformedNotes_rejectWithMalformedNote() {
    String note = SignedNotes.sign(TEXT, LOG);
    String sigLine = note.substring(TEXT.length() + 1, note.length() - 1);
    String b64 = sigLine.substring(sigLine.lastIndexOf(' ') + 1);
    List<String> bad =
        new ArrayList<>(
            List.of(
                note.substring(0, note.length() - 1), // no final newline
                TEXT + sigLine + "\n", // no blank line
                TEXT + "\n", // no signature
                TEXT + "\n" + sigLine.replace("\u2014", "-") + "\n", // hyphen, not em dash
                TEXT
                    + "\n"
                    + sigLine.replace("\u2014 ", "\u2014")
                    + "\n", // no space after the dash
                TEXT + "\n" + sigLine.replace(" " + b64, "") + "\n", // no signature
                TEXT
                    + "\n"
                    + sigLine.replace(" " + b64, "  " + b64)
                    + "\n", // empty key name... or space
                TEXT + "\n" + sigLine.replace(b64, b64.replace("=", "")) + "\n", // padding removed
                TEXT
                    + "\n"
                    + sigLine.replace(b64, b64.substring(0, 8) + "!" + b64.substring(9))
                    + "\n",
                TEXT + "\n" + sigLine.replace(b64, "AAAAAA==") + "\n", // four bytes: key ID only
                TEXT + "\n" + sigLine + " \n", // trailing space
                TEXT + "\n" + sigLine + "\r\n", // CR
                "ledger\t1\n"
                    + note.substring(note.indexOf('\n')) // a control character in the text
                ));
    for (String n : bad) {
      assertThat(rejection(n, List.of(LOG.verifier()))).as(n).isEqualTo(Reason.MALFORMED_NOTE);
    }
  }

  @Test
  void open_invalidUtf8_rejectsWithMalformedNote() {
    byte[] note = SignedNotes.sign(TEXT, LOG).getBytes(UTF_8);
    note[0] = (byte) 0xff;
    NoteVerificationException e =
        catchThrowableOfType(
            NoteVerificationException.class, () -> SignedNotes.open(note, List.of(LOG.verifier())));
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_NOTE);
    assertThat(e.getMessage()).contains("UTF-8");
  }

  @Test
  void open_tooManySignatures_rejectsBeforeVerifying() {
    String note = SignedNotes.sign(TEXT, LOG);
    String line = note.substring(TEXT.length() + 1);
    String many = note + line.repeat(SignedNotes.MAX_SIGNATURES);
    assertThat(rejection(many, List.of(LOG.verifier()))).isEqualTo(Reason.TOO_MANY_SIGNATURES);
  }

  @Test
  void open_sameKnownKeyListedTwice_isAccepted() throws NoteVerificationException {
    // Only two different keys with the same name and ID are ambiguous (that needs a 32-bit ID
    // collision, too slow to build in a unit test); the same key twice is not.
    NoteVerifier v = LOG.verifier();
    assertThat(SignedNotes.open(SignedNotes.sign(TEXT, LOG), List.of(v, v)).signatures())
        .hasSize(1);
  }

  @Test
  void sign_textWithoutFinalNewline_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> SignedNotes.sign("no newline", LOG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("text must end with a newline");
  }

  @Test
  void sign_controlCharacterOrNoSigner_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> SignedNotes.sign("a\rb\n", LOG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "text must have no control characters other than newline; got U+000D at index 1");
    assertThatThrownBy(() -> SignedNotes.sign(TEXT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("signers must number 1 to 100; got 0");
    assertThatThrownBy(() -> SignedNotes.sign(TEXT, LOG, LOG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("signers must be distinct");
  }
}
