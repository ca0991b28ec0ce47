package org.privspark.core.bench;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.privspark.core.zk.PedersenOpening;
import org.privspark.core.zk.ProofContext;
import org.privspark.core.zk.RangeProof;
import org.privspark.core.zk.RangeProver;
import org.privspark.core.zk.RangeStatement;
import org.privspark.core.zk.RangeVerifier;
import org.privspark.core.zk.ZkVerificationException;

/**
 * Range-proof verification: {@value #PROOFS} proofs one by one versus one batch, in the same run.
 * Each operation handles all {@value #PROOFS} proofs (single-shot time, ms). The proofs are decoded
 * once in setup; {@link #decodeAll} measures decoding (point decompression) separately. The setup
 * prints the proof size for each k.
 */
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ZkBenchmark {
  static final int PROOFS = 1000;

  /** {@value #PROOFS} honest proofs of random values below 2^bits, in distinct contexts. */
  @State(Scope.Benchmark)
  public static class Proofs {
    @Param({"64"})
    public int bits;

    final List<RangeStatement> statements = new ArrayList<>();
    final List<byte[]> encoded = new ArrayList<>();
    final SecureRandom random = new SecureRandom();

    @Setup(Level.Trial)
    public void prove() {
      for (int k : new int[] {1, 16, 32, 48, 64}) {
        System.out.printf("# proof size: k = %d bits -> %d bytes%n", k, RangeProof.length(k));
      }
      byte[] root = new byte[ProofContext.ROOT_LENGTH];
      long mask = bits == 64 ? -1L : (1L << bits) - 1;
      long start = System.nanoTime();
      for (int i = 0; i < PROOFS; i++) {
        ProofContext context = new ProofContext("bench/ledger", PROOFS + 1, root, i + 1, 8.0);
        PedersenOpening o =
            PedersenOpening.random(
                new java.math.BigInteger(1, longBytes(random.nextLong() & mask)), random);
        RangeProof proof = RangeProver.prove(context, o, bits, random);
        statements.add(new RangeStatement(context, o.commitment(), bits, proof));
        encoded.add(proof.encode());
      }
      System.out.printf(
          "# proving %d proofs of %d bits took %.1f ms%n",
          PROOFS, bits, (System.nanoTime() - start) / 1e6);
    }

    private static byte[] longBytes(long v) {
      return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }
  }

  /** Baseline: every proof checked on its own, equation by equation (RangeVerifier.verify). */
  @Benchmark
  public int verifyOneByOne(Proofs p) throws ZkVerificationException {
    for (RangeStatement s : p.statements) {
      RangeVerifier.verify(s.context(), s.commitment(), s.bits(), s.proof());
    }
    return p.statements.size();
  }

  /** Every proof checked on its own, but each as a batch of one (one small MSM per proof). */
  @Benchmark
  public int verifyOneByOneAsBatchesOfOne(Proofs p) throws ZkVerificationException {
    for (RangeStatement s : p.statements) {
      RangeVerifier.verifyBatch(List.of(s), p.random);
    }
    return p.statements.size();
  }

  /** All proofs in one batch: one random linear combination, one Pippenger MSM. */
  @Benchmark
  public int verifyBatch(Proofs p) throws ZkVerificationException {
    RangeVerifier.verifyBatch(p.statements, p.random);
    return p.statements.size();
  }

  /** Strict decoding of all proofs (SEC1 decompression of 3k points each), not in the above. */
  @Benchmark
  public int decodeAll(Proofs p) throws ZkVerificationException {
    int n = 0;
    for (byte[] bytes : p.encoded) {
      n += RangeProof.decode(bytes, p.bits).bits();
    }
    return n;
  }
}
