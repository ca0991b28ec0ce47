package org.privspark.core.zk;

import java.math.BigInteger;
import org.bouncycastle.math.ec.ECPoint;

/**
 * One bit's CDS OR-proof (Cramer, Damgård, Schoenmakers, CRYPTO '94) that C_i commits to 0 or 1,
 * i.e. that the prover knows r_i with C_i = r_i·H (branch 0) or C_i − G = r_i·H (branch 1).
 *
 * <p>Each branch j is a Schnorr proof on base H for X_j = C_i − j·G, with nonce commitment A_j,
 * challenge share c_j and response z_j. The shares must add up to the proof's Fiat–Shamir challenge
 * c, so c_1 = c − c_0 is not sent. The verifier checks z_j·H = A_j + c_j·X_j for both branches; the
 * prover can simulate one branch (picking its c_j first) but not both, because c is fixed by the
 * transcript after A_0 and A_1 are.
 *
 * <p>Wire form: A_0 ‖ A_1 ‖ c_0 ‖ z_0 ‖ z_1 ({@value #LENGTH} bytes).
 */
record BitProof(ECPoint a0, ECPoint a1, BigInteger c0, BigInteger z0, BigInteger z1) {
  static final int LENGTH = 2 * PointCodec.LENGTH + 3 * ScalarCodec.LENGTH;
}
