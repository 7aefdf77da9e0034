package dev.schemagate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MutableTagTest {
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "basketball-api, true",
    "basketball-api:latest, true",
    "registry.example.com:5000/team/basketball-api, true",
    "registry.example.com:5000/team/basketball-api:latest, true",
    "registry.example.com:5000/team/basketball-api:1.8, false",
    "basketball-api:1.8.0-rc.1, false",
    "basketball-api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
        + " false",
    "basketball-api:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
        + " false",
  })
  void anImageWithoutDigestTaggedLatestOrNotAtAllIsMutable(String image, boolean mutable) {
    assertThat(MutableTag.warning(image).isPresent()).isEqualTo(mutable);
  }
}
