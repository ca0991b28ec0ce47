package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each CSV option's value is checked before the charge, by Spark's reader's rules. */
class CsvOptionValuesTest {
  @ParameterizedTest
  @CsvSource(
      delimiterString = "|",
      value = {
        "header|true",
        "ignoreleadingwhitespace|FALSE",
        "encoding|UTF-8",
        "charset|ISO-8859-1",
        "sep|;",
        "delimiter|::",
        "quote|'",
        "escape|\\",
        "comment|#",
        "linesep|~",
        "dateformat|yyyy-MM-dd",
        "timestampformat|yyyy-MM-dd HH:mm:ss",
        "nullvalue|NA"
      })
  void acceptedValues_passTheCheck(String key, String value) {
    assertThat(JobOptions.Input.csvValueProblem(key, value)).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = "|",
      value = {
        "header|yes",
        "encoding|no-such-charset",
        "charset|bad name!",
        "quote|ab",
        "escape|\\\\",
        "comment|##",
        "linesep|abc",
        "dateformat|yyyy-MM-dd'",
        "timestampformat|{{"
      })
  void refusedValues_nameWhatTheyMustBe(String key, String value) {
    assertThat(JobOptions.Input.csvValueProblem(key, value)).isNotNull();
  }
}
