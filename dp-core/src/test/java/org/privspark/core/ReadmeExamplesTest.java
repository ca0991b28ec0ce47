package org.privspark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.mechanism.NoisyValue;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.core.noise.SecureRandomSource;

/** The README's Java snippets, statement for statement, with the claims its comments make. */
class ReadmeExamplesTest {

  @Test
  void accountantSnippet_behavesAsDocumented() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 1e-6);
    budget.spend(new LaplaceEvent(10.0, 1.0));
    boolean admitted = budget.trySpend(new SampledGaussianEvent(0.01, 1.1, 1000));
    PrivacyGuarantee spent = budget.spent();

    assertThat(admitted).isFalse();
    assertThat(spent.epsilon()).isLessThanOrEqualTo(0.1);
    double sigma = Calibration.analyticGaussianSigma(1.0, 1e-5, 1.0);
    assertThat(sigma).isCloseTo(3.7306, within(5e-5));
    double z =
        Calibration.dpSgdNoiseMultiplier(256.0 / 60000, 14040, 3.0, 1e-5, OrderGrid.defaults());
    assertThat(z).isPositive();
  }

  @Test
  void ledgerSnippet_behavesAsDocumented(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    var key = org.privspark.core.ledger.note.NoteSigner.generate("example.org/sales");
    org.privspark.core.ledger.LedgerStore store =
        new org.privspark.core.ledger.LocalDirectoryStore(dir.resolve("ledger"));
    var person =
        org.privspark.core.accounting.PrivacyUnit.of(
            "person", "a customer, with all of their orders");
    var ledger =
        org.privspark.core.ledger.Ledger.create(
            store,
            "example.org/sales",
            1.0,
            1e-6,
            OrderGrid.defaults(),
            person,
            key,
            org.privspark.core.ledger.OpeningStore.in(
                new org.privspark.core.ledger.LocalDirectoryStore(dir.resolve("openings"))));
    PrivacyBudget budget = ledger.budget();
    var receipt =
        ledger.append(
            "manual",
            new LaplaceEvent(4, 1),
            org.privspark.core.ledger.ReleaseDetails.describing("export"),
            null,
            org.privspark.core.accounting.UnitClaim.perUnit("person"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ledger.append(
                    "manual",
                    new LaplaceEvent(4, 1),
                    org.privspark.core.ledger.ReleaseDetails.describing("export"),
                    null,
                    org.privspark.core.accounting.UnitClaim.perUnit("household")))
        .isInstanceOf(org.privspark.core.accounting.UnitMismatchException.class);
    var report =
        new org.privspark.core.audit.LedgerVerifier(key.verifier())
            .verify(store, java.util.List.of(receipt.checkpoint()));
    assertThat(report.intact()).isTrue();
    assertThat(report.spentEpsilon()).isCloseTo(0.25, within(1e-9));
    assertThat(budget.spent().epsilon()).isCloseTo(0.25, within(1e-9));
  }

  @Test
  void noiseSnippet_behavesAsDocumented() {
    PrivacyBudget budget = PrivacyBudget.inMemory(2.0, 1e-5);
    LaplaceMechanism laplace = LaplaceMechanism.builder().epsilon(0.5).l1Sensitivity(1.0).build();
    NoisyValue count = laplace.release(1234, SecureRandomSource.create(), budget);
    assertThat(count.value() / laplace.granularity())
        .isEqualTo(Math.rint(count.value() / laplace.granularity()));
    assertThat(count.noiseStd()).isCloseTo(Math.sqrt(2) / 0.5, within(1e-6));
    assertThat(count.confidenceInterval(0.95).level()).isEqualTo(0.95);

    GaussianMechanism gaussian =
        GaussianMechanism.builder().epsilon(1).delta(1e-6).l2Sensitivity(1).build();
    Secret secret = Secret.generate();
    NoisyVector v =
        gaussian.release(
            new double[] {3.0, 4.0}, KeyedStreamSource.forCell(secret, "cell-1"), budget);
    NoisyVector same =
        gaussian.release(
            new double[] {3.0, 4.0},
            KeyedStreamSource.forCell(ReleaseKey.of(secret, secret.releaseId()), "cell-1"));
    assertThat(same.values()).isEqualTo(v.values());
    assertThatThrownBy(
            () ->
                gaussian.release(
                    new double[] {3.0, 4.0}, KeyedStreamSource.forCell(secret, "cell-1"), budget))
        .isInstanceOf(org.privspark.core.accounting.ReleaseIdReusedException.class);
    assertThat(budget.spent().epsilon()).isLessThanOrEqualTo(2.0);
  }
}
