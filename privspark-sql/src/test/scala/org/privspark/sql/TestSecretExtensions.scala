package org.privspark.sql

import java.util.concurrent.atomic.AtomicReference
import java.util.function.Supplier

import org.privspark.core.noise.Secret

/**
 * [[PrivSparkExtensions]] whose release secrets come from [[TestSecretExtensions.secrets]]: fresh
 * ones unless a test fixes them for one call (SqlFixture.withReleaseSecrets). Loaded by name
 * (`spark.sql.extensions`), so that another test class's session on the same SparkContext gets the
 * extension too. Scala, because Java cannot subclass a Scala function class.
 */
class TestSecretExtensions extends PrivSparkExtensions(() => TestSecretExtensions.secrets.get().get())

object TestSecretExtensions {
  val secrets: AtomicReference[Supplier[Secret]] =
    new AtomicReference[Supplier[Secret]](() => Secret.generate())
}
