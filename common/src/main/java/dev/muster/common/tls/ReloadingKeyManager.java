package dev.muster.common.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This party's certificate and key, re-read from their files when they change, so that a
 * rotation on disk takes effect at the next handshake without a restart. Connections
 * already up keep the certificate they were made with.
 *
 * <p>A rotation writes two files, and a handshake may come between the two writes: a key
 * that does not match its certificate is not taken, and the pair read last keeps serving
 * until both files agree. Each pair is served under an alias of its own, so one handshake
 * never mixes the chain of one pair with the key of another.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final Logger log = LoggerFactory.getLogger(ReloadingKeyManager.class);
    private static final int PAIRS_KEPT = 4;

    private record Pair(String alias, PrivateKey key, X509Certificate[] chain) {}

    private final Path certFile;
    private final Path keyFile;
    // Guarded by this.
    private final Map<String, Pair> recent = new LinkedHashMap<>();
    private Pair current;
    private FileStamp stamp;
    private FileStamp refusedStamp;
    private int generation;

    /** Reads the pair now: a pair that cannot be used is an error here, at start, and only a warning later. */
    public ReloadingKeyManager(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        FileStamp now = FileStamp.of(List.of(certFile, keyFile));
        install(load(), now);
    }

    /** The certificate served now (after re-reading the files if they changed). */
    public X509Certificate certificate() {
        return pair().chain()[0];
    }

    private synchronized Pair pair() {
        FileStamp now = FileStamp.of(List.of(certFile, keyFile));
        if (now.equals(stamp) || now.equals(refusedStamp)) {
            return current;
        }
        try {
            install(load(), now);
            log.info(
                    "Re-read the certificate {} and key {}: now serving {}",
                    certFile,
                    keyFile,
                    Certificates.describe(current.chain()[0]));
        } catch (TlsConfigException e) {
            // Maybe half-way through a rotation: the next change of the files tries again.
            refusedStamp = now;
            log.warn("{}; still serving {}", e.getMessage(), Certificates.describe(current.chain()[0]));
        }
        return current;
    }

    private Pair load() {
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        if (!PemFiles.matches(key, chain.get(0))) {
            throw new TlsConfigException("the key " + keyFile + " is not the key of the certificate " + certFile + " ("
                    + Certificates.describe(chain.get(0)) + ")");
        }
        return new Pair("muster-" + (generation + 1), key, chain.toArray(X509Certificate[]::new));
    }

    private void install(Pair pair, FileStamp now) {
        generation++;
        current = pair;
        stamp = now;
        refusedStamp = null;
        recent.put(pair.alias(), pair);
        if (recent.size() > PAIRS_KEPT) {
            recent.remove(recent.keySet().iterator().next());
        }
    }

    private String aliasFor(String keyType) {
        Pair pair = pair();
        return keyType != null && Certificates.keyTypeMatches(pair.key(), keyType) ? pair.alias() : null;
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes == null) {
            return null;
        }
        for (String keyType : keyTypes) {
            String alias = aliasFor(keyType);
            if (alias != null) {
                return alias;
            }
        }
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public synchronized X509Certificate[] getCertificateChain(String alias) {
        Pair pair = recent.get(alias);
        return pair == null ? null : pair.chain().clone();
    }

    @Override
    public synchronized PrivateKey getPrivateKey(String alias) {
        Pair pair = recent.get(alias);
        return pair == null ? null : pair.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = aliasFor(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return getServerAliases(keyType, issuers);
    }
}
