package dev.ladd.platform.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which configured secrets are refused at start, and that the reason never repeats the secret. */
class SecretsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // the sample values .env.example used to hold, and other sample-looking values
            "change-me-to-a-long-random-admin-key-0123456789 | looks like a sample value",
            "change-me-postgres-password-0123456789abcdefghij | looks like a sample value",
            "my-very-own-production-secret-for-the-platform | looks like a sample value",
            "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3gH5jK7mN9pQ-token | looks like a sample value",
            // short, repetitive, few characters
            "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9 | 27 characters long; at least 32",
            "ladd_ladd_ladd_ladd_ladd_ladd_ladd_ladd_ | repeats a 5-character pattern",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | repeats a 1-character pattern",
            "abababababababababababababababababababab | repeats a 2-character pattern",
            "0101101001011010010110100101101001011010100 | only 2 distinct characters",
            "1111111122222222333333334444444455555555 | only 5 distinct characters",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaqzmxnvbrtyaa | estimated entropy",
            // characters a header or a URL would mangle
            "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3g H5jK | characters other than",
    })
    void weakOrSampleSecretsAreRefusedWithAReasonThatDoesNotContainThem(String secret, String reason) {
        assertThat(Secrets.weakness(secret)).hasValueSatisfying(r -> assertThat(r).contains(reason).doesNotContain(secret));
        assertThatThrownBy(() -> InsecureSettingException.require("ladd.x.key", "LADD_X_KEY", secret))
                .isInstanceOf(InsecureSettingException.class)
                .hasMessageContaining("ladd.x.key (environment variable LADD_X_KEY) is refused: ")
                .hasMessageNotContaining(secret);
    }

    @Test
    void aMissingSecretIsRefused() {
        assertThat(Secrets.weakness(null)).hasValue("it is not set");
        assertThat(Secrets.weakness("  ")).hasValue("it is not set");
    }

    /** No false alarms: what the documented command, the launcher and openssl make always passes. */
    @Test
    void randomSecretsOfTheUsualShapesAllPass() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[i % 2 == 0 ? 24 : 32];   // 32 and 43 characters of base64url
            random.nextBytes(bytes);
            String base64url = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            assertThat(Secrets.weakness(base64url)).as(base64url).isEmpty();
            assertThat(Secrets.weakness("ladd_" + base64url)).as("ladd_" + base64url).isEmpty();
            byte[] hex = new byte[32];   // openssl rand -hex 32
            random.nextBytes(hex);
            assertThat(Secrets.weakness(HexFormat.of().formatHex(hex))).isEmpty();
            byte[] std = new byte[36];   // openssl rand -base64 36 (standard alphabet)
            random.nextBytes(std);
            assertThat(Secrets.weakness(Base64.getEncoder().encodeToString(std))).isEmpty();
        }
    }

    /** A sample word inside random characters is chance, not a sample value: refused only as a word of its own. */
    @Test
    void aSampleWordInsideRandomCharactersIsNotASampleValue() {
        assertThat(Secrets.weakness("1_Cdk3fpH2y9XMJJlTOKENdDzKRtXOBhbgQIgdPRzIo")).isEmpty();
        assertThat(Secrets.weakness("1_Cdk3fpH2y9XMJJl-TOKEN-dDzKRtXOBhbgQIgdPRzIo"))
                .hasValueSatisfying(r -> assertThat(r).contains("the word 'token'"));
    }

    @Test
    void comparisonIsExact() {
        assertThat(Secrets.equal("a-secret-value", "a-secret-value")).isTrue();
        assertThat(Secrets.equal("a-secret-value", "a-secret-valuE")).isFalse();
        assertThat(Secrets.equal("a-secret-value", "a-secret-value ")).isFalse();
        assertThat(Secrets.equal("a-secret-value", null)).isFalse();
        assertThat(new ServiceToken(Base64.getUrlEncoder().encodeToString(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26})).toString()).doesNotContain("AQID");
    }
}
