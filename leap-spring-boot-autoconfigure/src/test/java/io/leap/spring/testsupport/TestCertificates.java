package io.leap.spring.testsupport;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate made at test time with BouncyCastle (no checked-in key material), with what the
 * TLS tests need: the key store for {@code LeapServer.Builder#tls}, and the certificate as a PEM file or PKCS#12 trust
 * store for a {@code spring.ssl.bundle.*} that trusts it.
 */
public final class TestCertificates {

    /** Password of the key store and of the trust store files. */
    public static final String PASSWORD = "changeit";

    private final KeyStore keyStore;

    private final X509Certificate certificate;

    private TestCertificates(KeyStore keyStore, X509Certificate certificate) {
        this.keyStore = keyStore;
        this.certificate = certificate;
    }

    /**
     * @param names subject alternative names: an IPv4 literal becomes an IP SAN, anything else a DNS SAN
     * @return a new EC P-256 certificate valid for a day
     * @throws Exception if the JDK lacks EC or PKCS#12
     */
    public static TestCertificates selfSigned(String... names) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + names[0]);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject,
                new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                pair.getPublic());
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            boolean ip = names[i].matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
            sans[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("leap", pair.getPrivate(), PASSWORD.toCharArray(), new X509Certificate[] {cert});
        return new TestCertificates(ks, cert);
    }

    /** @return the key store with the private key and certificate, for the server */
    public KeyStore keyStore() {
        return this.keyStore;
    }

    /** @return the key store password as the server builder takes it */
    public char[] password() {
        return PASSWORD.toCharArray();
    }

    /**
     * Write the certificate (no key) in PEM form.
     * @param file where to write it
     * @return the file
     * @throws Exception if it cannot be written
     */
    public Path writeCertificatePem(Path file) throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(this.certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        return file;
    }

    /**
     * Write a PKCS#12 trust store holding the certificate, protected by {@link #PASSWORD}.
     * @param file where to write it
     * @return the file
     * @throws Exception if it cannot be written
     */
    public Path writeTrustStore(Path file) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("leap", this.certificate);
        try (OutputStream out = Files.newOutputStream(file)) {
            trust.store(out, PASSWORD.toCharArray());
        }
        return file;
    }
}
