package io.backupsuite.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an {@code Authorization} header into a {@link Caller}. Tokens are compared by hash in
 * constant time; verified Basic credentials are remembered (by a hash of the password) so that
 * API clients using Basic do not pay for PBKDF2 on every call.
 */
public final class Authenticator {

    private static final int MAX_REMEMBERED = 1024;

    private final List<SecurityProperties.TokenGrant> tokens;
    private final List<SecurityProperties.UserGrant> users;
    private final Map<String, Caller> verifiedBasic = new ConcurrentHashMap<>();

    public Authenticator(SecurityProperties properties) {
        this.tokens = properties.tokens();
        this.users = properties.users();
    }

    public Optional<Caller> authenticate(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return bearer(authorization.substring(7).trim());
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basic(authorization.substring(6).trim());
        }
        return Optional.empty();
    }

    private Optional<Caller> bearer(String token) {
        if (token.isEmpty() || token.length() > 512) {
            return Optional.empty();
        }
        byte[] presented = Secrets.sha256(token.getBytes(StandardCharsets.UTF_8));
        Caller found = null;
        for (SecurityProperties.TokenGrant grant : tokens) {
            byte[] expected = parseHex(grant.sha256());
            // no early exit: every grant is compared so timing does not tell which one matched
            if (expected != null && MessageDigest.isEqual(expected, presented) && found == null) {
                found = new Caller(grant.name(), grant.roles());
            }
        }
        return Optional.ofNullable(found);
    }

    private Optional<Caller> basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || decoded.length() > 1024) {
            return Optional.empty();
        }
        String name = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        String memo = name + ":" + Secrets.tokenHash(password);
        Caller remembered = verifiedBasic.get(memo);
        if (remembered != null) {
            return Optional.of(remembered);
        }
        for (SecurityProperties.UserGrant user : users) {
            if (user.name().equals(name) && Secrets.passwordMatches(password, user.passwordHash())) {
                Caller caller = new Caller(name, user.roles());
                if (verifiedBasic.size() < MAX_REMEMBERED) {
                    verifiedBasic.put(memo, caller);
                }
                return Optional.of(caller);
            }
        }
        return Optional.empty();
    }

    private static byte[] parseHex(String hex) {
        try {
            return hex == null ? null : HexFormat.of().parseHex(hex.trim().toLowerCase());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
