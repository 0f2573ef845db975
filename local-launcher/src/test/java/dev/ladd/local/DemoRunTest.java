package dev.ladd.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DemoRunTest {

    @Test
    void withoutFashionMnistTheDemoProfileFallsBackToSyntheticDataAndKeepsEveryOtherSetting() throws Exception {
        String profile = DemoRun.profile();
        String fallback = DemoRun.synthetic(profile);

        assertThat(profile).contains("\"discriminatorData\": \"real\"");
        assertThat(fallback).contains("\"discriminatorData\": \"synthetic\"").doesNotContain("\"real\"")
                .isEqualTo(profile.replace("\"discriminatorData\": \"real\"", "\"discriminatorData\": \"synthetic\""));
        assertThat(DemoRun.synthetic("{\"discriminatorData\" : \"real\",\"seed\":1}"))
                .isEqualTo("{\"discriminatorData\": \"synthetic\",\"seed\":1}");
    }
}
