package org.privspark.core.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * BouncyCastle is an optional dependency of dp-core: a project that keeps a ledger must add it.
 * Without it, making a ledger key fails with an {@link IllegalStateException} that names the
 * artefact to add, not a bare {@code NoClassDefFoundError}; keys are read or made before anything
 * is charged. The test loads dp-core's classes through a loader that cannot see BouncyCastle.
 */
class WithoutBouncyCastleTest {
  @Test
  void makingAKey_withoutBouncyCastle_failsNamingTheDependencyToAdd() throws Exception {
    URL classes = Path.of("target/classes").toUri().toURL();
    try (URLClassLoader dpCoreAlone =
        new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
      Class<?> signer = Class.forName(NoteSigner.class.getName(), true, dpCoreAlone);
      Throwable thrown =
          catchThrowable(() -> signer.getMethod("generate", String.class).invoke(null, "test"));
      assertThat(thrown).isInstanceOf(InvocationTargetException.class);
      assertThat(thrown.getCause())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("org.bouncycastle:bcprov-jdk18on");
    }
  }

  @Test
  void makingAKey_withBouncyCastle_works() {
    assertThat(NoteSigner.generate("test")).isNotNull();
  }
}
