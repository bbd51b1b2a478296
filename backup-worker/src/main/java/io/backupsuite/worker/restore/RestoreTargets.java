package io.backupsuite.worker.restore;

import io.backupsuite.common.web.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Turns what an operator asked for into a target the worker may write to, or refuses it: URLs only
 * on allow-listed hosts and never to link-local or wildcard addresses; paths only below the restore
 * root, relative, without {@code ..}, and without a symbolic link anywhere between the root and the file.
 */
final class RestoreTargets {

    private final @Nullable Path root;
    private final List<String> allowedHosts;

    RestoreTargets(@Nullable Path root, List<String> allowedHosts) {
        this.root = root == null ? null : realRoot(root);
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT).trim()).toList();
    }

    private static Path realRoot(Path root) {
        try {
            return Files.createDirectories(root).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the restore root " + root, e);
        }
    }

    RestoreTarget url(String raw) {
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid-target-url", "targetUrl is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            throw ApiException.badRequest("invalid-target-url", "targetUrl must be an absolute http(s) URL without user info or fragment.");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowed(host)) {
            throw forbidden("The host of targetUrl is not on backup.worker.restore.allowed-target-hosts.");
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (address.isLinkLocalAddress() || address.isAnyLocalAddress() || address.isMulticastAddress()) {
                    throw forbidden("The host of targetUrl resolves to a link-local, wildcard or multicast address.");
                }
            }
        } catch (UnknownHostException e) {
            throw ApiException.badRequest("invalid-target-url", "The host of targetUrl does not resolve.");
        }
        return new RestoreTarget.Url(uri);
    }

    RestoreTarget file(String raw, boolean overwrite) {
        if (root == null) {
            throw forbidden("File restores are disabled: backup.worker.restore.root is not set.");
        }
        Path relative;
        try {
            relative = Path.of(raw);
        } catch (InvalidPathException e) {
            throw badPath("targetPath is not a valid path.");
        }
        if (raw.isBlank() || relative.isAbsolute() || raw.startsWith("/") || raw.startsWith("\\")) {
            throw badPath("targetPath must be relative to the restore root.");
        }
        for (Path name : relative) {
            String part = name.toString();
            if (part.equals("..") || part.equals(".") || part.isEmpty()) {
                throw badPath("targetPath must not contain '.' or '..' segments.");
            }
        }
        RestoreTarget.File target = new RestoreTarget.File(root, relative, overwrite);
        check(target);
        Path file = root.resolve(relative);
        if (!overwrite && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.conflict("target-exists", "A file exists at targetPath; set overwrite to replace it.");
        }
        return target;
    }

    /**
     * No symbolic link from the root down to the file, the file (if it exists) a regular file, and the
     * nearest existing directory really below the root. Run again right before writing.
     */
    static void check(RestoreTarget.File target) {
        Path current = target.root();
        for (Path name : target.relative()) {
            current = current.resolve(name);
            if (Files.isSymbolicLink(current)) {
                throw badPath("targetPath goes through a symbolic link.");
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                return; // created below the root later, one directory at a time
            }
            try {
                if (!current.toRealPath().startsWith(target.root())) {
                    throw badPath("targetPath leaves the restore root.");
                }
            } catch (IOException e) {
                throw badPath("targetPath cannot be checked.");
            }
        }
        if (!Files.isRegularFile(current, LinkOption.NOFOLLOW_LINKS)) {
            throw badPath("targetPath names a directory or a special file.");
        }
    }

    private boolean allowed(String host) {
        for (String pattern : allowedHosts) {
            if (pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
                    : pattern.equals(host)) {
                return true;
            }
        }
        return false;
    }

    private static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "restore-target-not-allowed", "Forbidden", detail, Map.of());
    }

    private static ApiException badPath(String detail) {
        return ApiException.badRequest("invalid-target-path", detail);
    }
}
