package io.kvmha.contracts.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;

/**
 * Creates a command-signing key pair: {@code <dir>/<keyId>.key.pem} (private, PKCS#8, mode 0600) for the
 * scheduler and failover services, {@code <dir>/<keyId>.pub.pem} (X.509) for every agent.
 *
 * <pre>java -cp event-contracts.jar io.kvmha.contracts.security.CommandKeyGenerator DIR [KEY_ID]</pre>
 *
 * The same files from openssl: {@code openssl genpkey -algorithm ed25519 -out KEY_ID.key.pem} and
 * {@code openssl pkey -in KEY_ID.key.pem -pubout -out KEY_ID.pub.pem}.
 */
public final class CommandKeyGenerator {

    private CommandKeyGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: CommandKeyGenerator DIR [KEY_ID]   (KEY_ID defaults to control-plane)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String keyId = args.length > 1 ? args[1] : "control-plane";
        Files.createDirectories(dir);
        Path[] written = generate(dir, keyId);
        System.out.println("private key: " + written[0] + "\npublic key:  " + written[1] + "\nkey id:      " + keyId);
    }

    /** Writes a new key pair and returns the private and public key files. */
    public static Path[] generate(Path dir, String keyId) throws NoSuchAlgorithmException {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path privateFile = dir.resolve(keyId + ".key.pem");
        Path publicFile = dir.resolve(keyId + ".pub.pem");
        PemKeys.writePrivateKey(pair.getPrivate(), privateFile);
        PemKeys.writePublicKey(pair.getPublic(), publicFile);
        return new Path[] {privateFile, publicFile};
    }
}
