package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.Receipt;
import picocli.CommandLine.Command;

/**
 * The skeleton's exit codes, the same for every job because {@link SparkJob#call} is final: an
 * IllegalArgumentException while preparing is a bad argument (2, one line and a hint); an
 * IllegalStateException is a failure (1, one line saying nothing was charged), never a usage error;
 * neither opens a ledger nor prints a stack trace.
 */
class SparkJobTest {
  /** A job whose prepare step throws what it is given; it must never get further. */
  @Command(name = "probe")
  static final class Probe extends SparkJob<Object> {
    private final RuntimeException failure;

    Probe(RuntimeException failure) {
      super(failingSession());
      this.failure = failure;
    }

    private static Supplier<org.apache.spark.sql.SparkSession> failingSession() {
      return () -> {
        throw new AssertionError("no session is started");
      };
    }

    @Override
    Object prepare() {
      throw failure;
    }

    @Override
    JobLedger ledger(Object prepared) {
      throw new AssertionError("no ledger is opened");
    }

    @Override
    String dataset(Object prepared) {
      throw new AssertionError("unreachable");
    }

    @Override
    int release(Object prepared, Ledger ledger, PrivacyGuarantee before, String dataset) {
      throw new AssertionError("nothing is released");
    }

    @Override
    Receipt charged() {
      return null;
    }
  }

  private static JobFixture.Run probe(RuntimeException failure) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        SparkJobs.run(new Probe(failure), new PrintWriter(out, true), new PrintWriter(err, true));
    return new JobFixture.Run(exit, out.toString(), err.toString());
  }

  @Test
  void prepare_illegalState_exitsOneWithOneLineNotUsage() {
    JobFixture.Run r = probe(new IllegalStateException("DPLogisticRegression has no budget"));
    assertThat(r.exit()).isEqualTo(SparkJobs.FAILED);
    assertThat(r.err().strip())
        .isEqualTo("failed before charging anything: DPLogisticRegression has no budget");
  }

  @Test
  void prepare_illegalArgument_exitsTwoWithOneLineAndAHint() {
    JobFixture.Run r = probe(new IllegalArgumentException("--epsilon must be > 0; got -1"));
    assertThat(r.exit()).isEqualTo(SparkJobs.USAGE);
    assertThat(r.err().strip())
        .isEqualTo("probe: --epsilon must be > 0; got -1. Try 'probe --help'.");
  }
}
