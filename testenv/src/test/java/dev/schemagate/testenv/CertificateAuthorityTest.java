package dev.schemagate.testenv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificates as Java's TLS stack reads them: who they name, for what, signed by whom. */
class CertificateAuthorityTest {
  @TempDir Path tmp;

  @Test
  void aNodeCertificateNamesTheNodeAndItsGroupAndIsSignedByTheAuthority() throws Exception {
    var ca = CertificateAuthority.create(tmp);
    var node =
        ca.issue(
            "node-n1",
            "/O=system:nodes/CN=system:node:n1",
            CertificateAuthority.Usage.CLIENT,
            List.of());

    var authority = read(ca.certificate());
    var certificate = read(node.certificate());
    certificate.verify(authority.getPublicKey());
    assertThat(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253))
        .isEqualTo("CN=system:node:n1,O=system:nodes");
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    assertThat(authority.getBasicConstraints()).isNotNegative();
    assertThat(Files.readString(node.key())).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void aServingCertificateCarriesItsAddressesAsIpsAndNames() throws Exception {
    var ca = CertificateAuthority.create(tmp);
    var serving =
        ca.issue(
            "apiserver",
            "/CN=kube-apiserver",
            CertificateAuthority.Usage.SERVER,
            List.of("127.0.0.1", "localhost"));

    var certificate = read(serving.certificate());
    certificate.verify(read(ca.certificate()).getPublicKey());
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    // Type 7: an IP address; type 2: a DNS name.
    assertThat(certificate.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(7, "127.0.0.1"), List.of(2, "localhost"));
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
