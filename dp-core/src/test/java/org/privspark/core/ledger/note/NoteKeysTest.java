package org.privspark.core.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NoteKeysTest {
  private static final String VKEY =
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
  private static final String SKEY =
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

  @Test
  void generate_roundTripsThroughBothKeyTexts() {
    NoteSigner signer = NoteSigner.generate("ledger.example/budget-1");
    assertThat(NoteSigner.parse(signer.exportSignerKey())).isEqualTo(signer);
    assertThat(NoteVerifier.parse(signer.verifier().encode())).isEqualTo(signer.verifier());
    assertThat(signer.verifier().keyId()).isEqualTo(signer.keyId());
  }

  @Test
  void fromSeed_rfc8032TestVector1_derivesItsPublicKey() {
    // RFC 8032 section 7.1, TEST 1.
    byte[] seed =
        HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    NoteSigner signer = NoteSigner.fromSeed("rfc8032", seed);
    assertThat(HexFormat.of().formatHex(signer.verifier().publicKey()))
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  }

  @Test
  void publicKey_encoding_roundTripsBothXParities() {
    // Keys whose last byte has the x-odd bit set and clear both occur among a few seeds.
    boolean sawOdd = false;
    boolean sawEven = false;
    for (int i = 0; i < 16 && !(sawOdd && sawEven); i++) {
      byte[] seed = new byte[32];
      seed[0] = (byte) i;
      byte[] pub = NoteSigner.fromSeed("k", seed).verifier().publicKey();
      boolean odd = (pub[31] & 0x80) != 0;
      sawOdd |= odd;
      sawEven |= !odd;
      assertThat(NoteVerifier.ed25519("k", pub).publicKey()).isEqualTo(pub);
    }
    assertThat(sawOdd && sawEven).isTrue();
  }

  @Test
  void verifierParse_wrongKeyId_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> NoteVerifier.parse(VKEY.replace("530d903a", "530d903b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vkey key ID must be 530d903a (computed from name and key); got 530d903b");
  }

  @Test
  void verifierParse_otherNameWithSameKey_throwsIllegalArgumentException() {
    // The key ID binds the name: the same key under another name needs another ID.
    assertThatThrownBy(() -> NoteVerifier.parse(VKEY.replace("example.com/foo", "example.com/bar")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key ID must be");
  }

  @Test
  void verifierParse_malformed_throwsIllegalArgumentException() {
    String[] bad = {
      "",
      "example.com/foo",
      "example.com/foo+530d903a",
      "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
      "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
      "example.com/foo+530d903g+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2", // truncated base64
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k=", // padding junk
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2l", // another key under
      // the same ID
      "example com+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
      "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", // algorithm 0x02
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv", // key too short
    };
    for (String vkey : bad) {
      assertThatThrownBy(() -> NoteVerifier.parse(vkey))
          .as(vkey)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void ed25519_nonCanonicalY_throwsIllegalArgumentException() {
    byte[] y = new byte[32];
    java.util.Arrays.fill(y, (byte) 0xff);
    y[31] = 0x7f; // y = 2^255 - 1 >= p
    assertThatThrownBy(() -> NoteVerifier.ed25519("k", y))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not canonical");
  }

  @Test
  void keyName_withPlusSpaceOrEmpty_throwsIllegalArgumentException() {
    for (String name : new String[] {"", "a+b", "a b", "a\u00a0b", "a\u2003b", "a\tb", "a\nb"}) {
      assertThatThrownBy(() -> NoteSigner.fromSeed(name, new byte[32]))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("name must be non-empty, without Unicode spaces or '+'");
    }
  }

  @Test
  void signerParse_wrongKeyIdOrPrefix_throwsWithoutRevealingTheKey() {
    String wrongId = SKEY.replace("c74f20a3", "c74f20a4");
    assertThatThrownBy(() -> NoteSigner.parse(wrongId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key ID must be c74f20a3")
        .message()
        .doesNotContain("AYEKFALVFGyNhPJEMzD1QIDr");
    String noPrefix = SKEY.substring("PRIVATE+KEY+".length());
    assertThatThrownBy(() -> NoteSigner.parse(noPrefix))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("AYEKFALVFGyNhPJEMzD1QIDr");
  }

  @Test
  void signer_toString_neverRevealsTheSeed() {
    NoteSigner signer = NoteSigner.parse(SKEY);
    assertThat(signer.toString()).isEqualTo("NoteSigner[PeterNeumann+c74f20a3, seed redacted]");
  }

  @Test
  void fromSeed_wrongLength_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> NoteSigner.fromSeed("k", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seed must be 32 bytes long; got 31");
  }
}
