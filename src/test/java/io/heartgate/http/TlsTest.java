package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS on every listener from a PEM certificate and key, with HSTS and a Secure session cookie. */
class TlsTest {
  @TempDir
  Path tempDir;

  @Test
  void servesHttpsWithHstsAndSecureCookiesOnBothListeners() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    try (TestGateway gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir),
        "--ssl-cert", certificate.certificatePath(), "--ssl-key", certificate.privateKeyPath())) {
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(Path.of(certificate.certificatePath())))
          .connectTimeout(Duration.ofSeconds(5)).build();
      for (int port : new int[] {gateway.apiPort(), gateway.heartbeatPort()}) {
        HttpResponse<String> live = client.send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + port + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, live.statusCode());
        assertTrue(live.headers().firstValue("Strict-Transport-Security").orElse("").startsWith("max-age="));
      }
      HttpResponse<String> setup = client.send(HttpRequest.newBuilder(
              URI.create("https://localhost:" + gateway.apiPort() + "/api/auth/setup"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"owner\",\"password\":\"tls-test-pw-1\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, setup.statusCode(), setup.body());
      String cookie = setup.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.contains("; Secure") && cookie.toLowerCase(java.util.Locale.ROOT).contains("; httponly"), cookie);
      assertThrows(java.io.UncheckedIOException.class, () -> TestGateway.get(gateway.api("/health/live")),
          "no cleartext HTTP");
    } finally {
      certificate.delete();
    }
  }

  private static SSLContext trusting(Path pem) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      trusted.setCertificateEntry("gateway",
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
