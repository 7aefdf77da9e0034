package dev.schemagate.testenv;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The test environment's certificate authority, as a cluster's: it signs the API server's serving
 * certificate, the API server's client certificate for kubelets, and each node's client and serving
 * certificates, and both sides trust it. Keys are EC P-256, made with the openssl command
 * (Debian's, a dependency of ca-certificates) in a directory of the environment.
 */
public final class CertificateAuthority {
  private static final Duration OPENSSL = Duration.ofSeconds(30);

  private final Path dir;

  private CertificateAuthority(Path dir) {
    this.dir = dir;
  }

  /** A certificate and its key, as PEM files. */
  public record KeyPair(Path certificate, Path key) {}

  /** What a certificate is for: a TLS server, a TLS client, or both. */
  public enum Usage {
    SERVER("serverAuth"),
    CLIENT("clientAuth");

    private final String extendedKeyUsage;

    Usage(String extendedKeyUsage) {
      this.extendedKeyUsage = extendedKeyUsage;
    }
  }

  /** A new authority with its key and self-signed certificate in {@code dir}. */
  public static CertificateAuthority create(Path dir) throws IOException {
    Files.createDirectories(dir);
    var ca = new CertificateAuthority(dir);
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        ca.certificate().resolveSibling("ca.key").toString(),
        "-out",
        ca.certificate().toString(),
        "-days",
        "3650",
        "-subj",
        "/CN=schemagate-test-ca",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return ca;
  }

  /** The authority's certificate, which every party of the environment trusts. */
  public Path certificate() {
    return dir.resolve("ca.crt");
  }

  /**
   * Issues {@code name}.crt and {@code name}.key in the authority's directory.
   *
   * @param subject an openssl subject, e.g. {@code /O=system:nodes/CN=system:node:n1}: Kubernetes
   *     reads CN as the user name and each O as a group
   * @param addresses subject alternative names: IP addresses or DNS names (servers only)
   */
  public KeyPair issue(String name, String subject, Usage usage, List<String> addresses)
      throws IOException {
    var key = dir.resolve(name + ".key");
    var request = dir.resolve(name + ".csr");
    var certificate = dir.resolve(name + ".crt");
    var extensions = dir.resolve(name + ".ext");
    var lines = new ArrayList<String>();
    lines.add("basicConstraints=CA:FALSE");
    lines.add("keyUsage=critical,digitalSignature,keyEncipherment");
    lines.add("extendedKeyUsage=" + usage.extendedKeyUsage);
    if (!addresses.isEmpty()) {
      lines.add(
          "subjectAltName="
              + String.join(
                  ",",
                  addresses.stream()
                      .map(a -> (a.matches("[0-9.]+|.*:.*") ? "IP:" : "DNS:") + a)
                      .toList()));
    }
    Files.write(extensions, lines);
    openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        request.toString(),
        "-subj",
        subject);
    openssl(
        "x509",
        "-req",
        "-in",
        request.toString(),
        "-CA",
        certificate().toString(),
        "-CAkey",
        dir.resolve("ca.key").toString(),
        "-set_serial",
        "0x" + new BigInteger(63, new SecureRandom()).toString(16),
        "-days",
        "3650",
        "-extfile",
        extensions.toString(),
        "-out",
        certificate.toString());
    Files.delete(request);
    Files.delete(extensions);
    return new KeyPair(certificate, key);
  }

  private static void openssl(String... args) {
    var command = new ArrayList<String>(List.of("openssl"));
    command.addAll(List.of(args));
    Command.run(command, null, OPENSSL).ok();
  }
}
