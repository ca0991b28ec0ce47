/**
 * Feature encoding from a public specification only ({@link
 * org.privspark.spark.ml.feature.PublicFeatureEncoder}): bounds, vocabularies and dimensions are
 * chosen without looking at the data, so that the encoding itself reveals nothing and costs no
 * budget.
 *
 * <p>The encoder's Java serialized form is no public contract, so it is not documented.
 *
 * @serial exclude
 */
package org.privspark.spark.ml.feature;
