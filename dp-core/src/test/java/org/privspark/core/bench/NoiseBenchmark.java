package org.privspark.core.bench;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.mechanism.NoisyValue;
import org.privspark.core.noise.DiscreteGaussianSampler;
import org.privspark.core.noise.DiscreteLaplaceSampler;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;
import org.privspark.core.noise.SecureRandomSource;

/**
 * Throughput of secure noise, single thread, against {@code SecureRandom.nextDouble()} measured in
 * the same run. Mechanisms: ε = 1, Δ = 1 (Laplace); ε = 1, δ = 1e-6, Δ = 1 (Gaussian). Run with
 * {@code bin/bench NoiseBenchmark}; results are recorded in {@code docs/BENCHMARKS.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class NoiseBenchmark {
  private static final double VALUE = 42.125;

  private SecureRandom drbg;
  private SecureRandom platformDefault;
  private SecureRandomSource secure;
  private KeyedStreamSource keyed;
  private LaplaceMechanism laplace;
  private GaussianMechanism gaussian;
  private DiscreteLaplaceSampler laplaceSampler;
  private DiscreteGaussianSampler gaussianSampler;
  private Secret secret;

  @Setup(Level.Trial)
  public void setUp() {
    drbg = SecureRandomSource.newDefaultGenerator();
    platformDefault = new SecureRandom();
    secure = SecureRandomSource.create();
    laplace = LaplaceMechanism.builder().epsilon(1).l1Sensitivity(1).build();
    gaussian = GaussianMechanism.builder().epsilon(1).delta(1e-6).l2Sensitivity(1).build();
    // The samplers the mechanisms use: t = T = 2^40, and σ² = S in grid units.
    laplaceSampler = DiscreteLaplaceSampler.withScale(laplace.noise().scale());
    gaussianSampler = DiscreteGaussianSampler.withSigmaSquared(gaussian.noise().sigmaSquared());
    secret = Secret.generate();
  }

  /** A fresh cell per iteration keeps each stream far below its 2^32-block limit. */
  @Setup(Level.Iteration)
  public void newCell() {
    keyed = KeyedStreamSource.forCell(secret, "bench-cell-" + System.nanoTime());
  }

  /** Baseline: the DRBG instance type that SecureRandomSource uses, one call per double. */
  @Benchmark
  public double secureRandomNextDouble() {
    return drbg.nextDouble();
  }

  /** Baseline: {@code new SecureRandom()} (NativePRNG on Linux), one call per double. */
  @Benchmark
  public double platformSecureRandomNextDouble() {
    return platformDefault.nextDouble();
  }

  @Benchmark
  public NoisyValue laplaceSecure() {
    return laplace.release(VALUE, secure);
  }

  @Benchmark
  public NoisyValue gaussianSecure() {
    return gaussian.release(VALUE, secure);
  }

  @Benchmark
  public NoisyValue laplaceKeyed() {
    return laplace.release(VALUE, keyed);
  }

  @Benchmark
  public NoisyValue gaussianKeyed() {
    return gaussian.release(VALUE, keyed);
  }

  @Benchmark
  public long discreteLaplaceSecure() {
    return laplaceSampler.sample(secure);
  }

  @Benchmark
  public long discreteLaplaceKeyed() {
    return laplaceSampler.sample(keyed);
  }

  @Benchmark
  public long discreteGaussianSecure() {
    return gaussianSampler.sample(secure);
  }

  @Benchmark
  public long discreteGaussianKeyed() {
    return gaussianSampler.sample(keyed);
  }
}
