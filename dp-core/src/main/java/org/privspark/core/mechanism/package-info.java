/**
 * Mechanisms that add secure noise to real values and report what each release cost ({@link
 * org.privspark.core.accounting.PrivacyEvent}) and how accurate it is ({@link
 * org.privspark.core.mechanism.AddedNoise}, confidence intervals).
 *
 * <p>Inputs are snapped to a power-of-two grid and integer noise from {@code
 * org.privspark.core.noise} is added in grid units, which defeats the floating-point attack of
 * Mironov 2012; every rounding in a privacy parameter goes toward more noise or a higher recorded
 * cost. See {@code docs/NOISE.md}.
 */
package org.privspark.core.mechanism;
