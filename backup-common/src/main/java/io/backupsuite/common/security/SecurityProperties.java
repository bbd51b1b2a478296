package io.backupsuite.common.security;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Credentials every service accepts, and the limits on what a request may carry. Only hashes of
 * inbound credentials are configured; the one raw secret is the node token this service presents
 * when it calls another node.
 *
 * @param tokens bearer tokens accepted, as SHA-256 hashes with the roles they grant
 * @param users HTTP Basic users accepted, with PBKDF2 password hashes and roles
 * @param nodeToken raw bearer token this node sends on node-to-node calls
 * @param maxBodySize largest request body accepted; larger bodies get 413
 * @param publicPaths Ant-style paths that need no credentials (health and metrics)
 */
@ConfigurationProperties("backup.security")
public record SecurityProperties(
        @DefaultValue List<TokenGrant> tokens,
        @DefaultValue List<UserGrant> users,
        @Nullable String nodeToken,
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue({"/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/actuator/info"})
                List<String> publicPaths) {

    public SecurityProperties {
        tokens = List.copyOf(tokens);
        users = List.copyOf(users);
        publicPaths = List.copyOf(publicPaths);
    }

    /**
     * A bearer token grant.
     *
     * @param name who holds the token (an upload service's name, {@code node})
     * @param sha256 lowercase hex SHA-256 of the token
     * @param roles roles the token grants
     */
    public record TokenGrant(String name, String sha256, Set<Role> roles) {
        public TokenGrant {
            roles = Set.copyOf(roles);
        }
    }

    /**
     * An HTTP Basic user.
     *
     * @param name user name
     * @param passwordHash {@code pbkdf2-sha256$...} hash made by {@link Secrets#passwordHash}
     * @param roles roles the user has
     */
    public record UserGrant(String name, String passwordHash, Set<Role> roles) {
        public UserGrant {
            roles = Set.copyOf(roles);
        }
    }
}
