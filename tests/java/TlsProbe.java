// A minimal Java TLS client for the trust-store tests (provider/tests/java_truststore.rs).
//
// Usage: java -Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStoreType=PKCS12 \
//             -Djavax.net.ssl.trustStorePassword=PW -cp DIR TlsProbe https://localhost:PORT/
//
// Opens the URL with HttpsURLConnection, which trusts only the store the system properties name
// (the JDK's default TrustManagerFactory) and checks the host name. Prints "OK <status>" and exits
// 0 when the TLS handshake succeeds and a response arrives; otherwise prints "FAIL" and the
// exception chain, one "<class>: <message>" line each, and exits 1.
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;

public final class TlsProbe {
    public static void main(String[] args) {
        if (args.length != 1) {
            System.out.println("usage: TlsProbe https://HOST:PORT/");
            System.exit(2);
        }
        try {
            HttpsURLConnection conn = (HttpsURLConnection) new URL(args[0]).openConnection();
            conn.setConnectTimeout(10_000);
            conn.setReadTimeout(10_000);
            int status = conn.getResponseCode();
            conn.disconnect();
            System.out.println("OK " + status);
            System.exit(0);
        } catch (Throwable t) {
            System.out.println("FAIL");
            for (Throwable c = t; c != null; c = c.getCause()) {
                System.out.println(c.getClass().getName() + ": " + c.getMessage());
                if (c.getCause() == c) {
                    break;
                }
            }
            System.exit(1);
        }
    }
}
