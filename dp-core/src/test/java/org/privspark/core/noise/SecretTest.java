package org.privspark.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretTest {
  @Test
  void toString_anySecret_isRedacted() {
    assertThat(Secret.generate().toString()).isEqualTo("Secret[redacted]");
  }

  @Test
  void fromBytes_wrongLength_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> Secret.fromBytes(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bytes must be exactly 32 bytes long; got 31");
  }

  @Test
  void fromBytes_null_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> Secret.fromBytes(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bytes must not be null");
  }

  @Test
  void fromBytes_laterChangeToInput_doesNotAffectSecret() {
    byte[] raw = new byte[32];
    Secret secret = Secret.fromBytes(raw);
    raw[0] = 42;
    assertThat(secret.bytes()[0]).isZero();
  }

  @Test
  void bytes_changeToCopy_doesNotAffectSecret() {
    Secret secret = Secret.fromBytes(new byte[32]);
    secret.bytes()[0] = 42;
    assertThat(secret.bytes()[0]).isZero();
    assertThat(secret).isEqualTo(Secret.fromBytes(new byte[32]));
  }

  @Test
  void equals_sameBytes_isTrueAndDifferentBytes_isFalse() {
    byte[] raw = new byte[32];
    raw[31] = 1;
    assertThat(Secret.fromBytes(raw)).isEqualTo(Secret.fromBytes(raw.clone()));
    assertThat(Secret.fromBytes(raw)).isNotEqualTo(Secret.fromBytes(new byte[32]));
    assertThat(Secret.fromBytes(raw).hashCode())
        .isEqualTo(Secret.fromBytes(new byte[32]).hashCode());
  }

  @Test
  void generate_twice_givesDifferentSecrets() {
    // Equal only with probability 2^-256.
    assertThat(Secret.generate()).isNotEqualTo(Secret.generate());
  }
}
