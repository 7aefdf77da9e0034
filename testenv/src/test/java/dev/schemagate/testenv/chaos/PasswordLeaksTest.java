package dev.schemagate.testenv.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordLeaksTest {
  @Test
  void findsThePasswordInEveryFormItTakes() {
    var password = "p%40ss-7f3e";
    assertThat(PasswordLeaks.hits("url postgresql://u:p%40ss-7f3e@h/db", password)).isEqualTo(1);
    assertThat(PasswordLeaks.hits("decoded: p@ss-7f3e", password)).isEqualTo(1);
    assertThat(PasswordLeaks.hits("encoded: p%2540ss-7f3e", password)).isEqualTo(1);
    assertThat(PasswordLeaks.hits("secret data cCU0MHNzLTdmM2U=", password)).isEqualTo(1);
    assertThat(PasswordLeaks.hits("twice p@ss-7f3e and p@ss-7f3e", password)).isEqualTo(2);
    assertThat(PasswordLeaks.hits("postgresql://u:***@h/db", password)).isZero();
  }

  @Test
  void aPasswordThatIsNoPercentEncodingIsLookedForAsWritten() {
    assertThat(PasswordLeaks.hits("x hun%zzter2 y", "hun%zzter2")).isEqualTo(1);
  }
}
