// Validates a certificate chain against a PKCS#12 trust store with Java's own PKIX validator, for
// provider/tests/amazon_trust.rs.
//
// Usage: java -cp DIR ChainCheck STORE.p12 PASSWORD VALIDATION-DATE-ISO8601 LEAF.pem [INTERMEDIATE.pem ...]
//
// CertPathValidator.getInstance("PKIX") with the store's trusted entries as anchors, revocation
// checking off (the tests run offline) and the validation date fixed (a leaf inside its validity).
// Prints "VALID <anchor subject>" and exits 0 when the path validates; prints "INVALID" and the
// exception chain, one "<class>: <message>" line each, and exits 1 when it does not; exits 2 on a
// usage or input error.
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

public final class ChainCheck {
    public static void main(String[] args) {
        if (args.length < 4) {
            System.out.println("usage: ChainCheck STORE.p12 PASSWORD DATE LEAF.pem [INTERMEDIATE.pem ...]");
            System.exit(2);
        }
        try {
            check(args);
        } catch (Exception e) {
            // A store, date or certificate that cannot be read: not a validation verdict.
            System.out.println("ERROR");
            for (Throwable t = e; t != null; t = t.getCause()) {
                System.out.println(t.getClass().getName() + ": " + t.getMessage());
            }
            System.exit(2);
        }
    }

    private static void check(String[] args) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(args[0])) {
            store.load(in, args[1].toCharArray());
        }
        Date date = Date.from(Instant.parse(args[2]));
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            try (InputStream in = new FileInputStream(args[i])) {
                chain.add((X509Certificate) factory.generateCertificate(in));
            }
        }
        CertPath path = factory.generateCertPath(chain);
        PKIXParameters params = new PKIXParameters(store);
        params.setRevocationEnabled(false);
        params.setDate(date);
        try {
            PKIXCertPathValidatorResult result =
                (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(path, params);
            System.out.println("VALID " + result.getTrustAnchor().getTrustedCert().getSubjectX500Principal().getName());
            System.exit(0);
        } catch (CertPathValidatorException e) {
            System.out.println("INVALID");
            for (Throwable t = e; t != null; t = t.getCause()) {
                System.out.println(t.getClass().getName() + ": " + t.getMessage());
            }
            System.exit(1);
        }
    }
}
