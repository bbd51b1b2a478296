package io.backupsuite.worker.download;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a source URL may be fetched (the SSRF guard). A URL passes when it is http(s),
 * its host is on the allow-list (exactly, or by a {@code *.suffix} pattern), and every address the
 * host resolves to is acceptable: link-local and cloud metadata addresses are always refused,
 * wildcard and multicast too, and loopback only when the host is listed exactly.
 *
 * <p>The HTTP client resolves hosts through {@link #addresses(String)}, which applies the same
 * rules to the addresses it is about to connect to, so a DNS answer that changes between the
 * check and the connection (rebinding) is refused too.
 */
final class SourcePolicy {

    /** Metadata services that are not already link-local (Alibaba, Oracle, AWS over IPv6). */
    private static final Set<String> METADATA = Set.of("100.100.100.200", "192.0.0.192", "fd00:ec2:0:0:0:0:0:254");

    private final List<String> exact;
    private final List<String> suffixes;
    private final HostResolver resolver;

    SourcePolicy(List<String> allowedHosts, HostResolver resolver) {
        this.exact = allowedHosts.stream()
                .map(SourcePolicy::normalise)
                .filter(h -> !h.startsWith("*."))
                .toList();
        this.suffixes = allowedHosts.stream()
                .map(SourcePolicy::normalise)
                .filter(h -> h.startsWith("*.") && h.length() > 2)
                .map(h -> h.substring(1))
                .toList();
        this.resolver = resolver;
    }

    /** Looks up the addresses of a host; replaceable in tests. */
    @FunctionalInterface
    interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Returns the URL to fetch, or throws {@link ErrorKind#SOURCE_NOT_ALLOWED}. */
    URI check(String source) throws DownloadException {
        URI uri;
        try {
            uri = new URI(source);
        } catch (URISyntaxException | NullPointerException e) {
            throw DownloadException.notAllowed(String.valueOf(source), "not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw DownloadException.notAllowed(source, "only http and https are fetched");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw DownloadException.notAllowed(source, "the URL needs a host and no user info");
        }
        try {
            addresses(uri.getHost());
        } catch (RefusedHostException e) {
            throw DownloadException.notAllowed(source, e.getMessage());
        } catch (UnknownHostException e) {
            throw DownloadException.unavailable(source, "host " + normalise(uri.getHost()) + " does not resolve", 0);
        }
        return uri;
    }

    /**
     * Resolves an allow-listed host to addresses that may be fetched; the HTTP client's DNS look-up.
     * Throws {@link RefusedHostException} for a host or address the rules refuse.
     */
    InetAddress[] addresses(String rawHost) throws UnknownHostException {
        String host = normalise(rawHost);
        boolean listedExactly = exact.contains(host);
        if (!listedExactly && suffixes.stream().noneMatch(host::endsWith)) {
            throw new RefusedHostException("host " + host + " is not on the allow-list");
        }
        InetAddress[] addresses = resolver.resolve(host);
        for (InetAddress address : addresses) {
            String refusal = refusal(address, listedExactly);
            if (refusal != null) {
                throw new RefusedHostException(host + " resolves to " + refusal);
            }
        }
        return addresses;
    }

    /** A host or address the allow-list refuses; an {@link UnknownHostException} so a DNS hook may throw it. */
    static final class RefusedHostException extends UnknownHostException {

        RefusedHostException(String why) {
            super(why);
        }
    }

    private static String refusal(InetAddress address, boolean listedExactly) {
        String ip = address.getHostAddress();
        if (address.isLinkLocalAddress() || METADATA.contains(ip)) {
            return "a link-local or metadata address (" + ip + ")";
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "a wildcard or multicast address (" + ip + ")";
        }
        if (address.isLoopbackAddress() && !listedExactly) {
            return "a loopback address (" + ip + ") but the host is not listed exactly";
        }
        if (address instanceof Inet6Address && ip.toLowerCase(Locale.ROOT).startsWith("fe")) {
            // site-local fec0::/10 is deprecated; refuse rather than guess
            return "a deprecated site-local IPv6 address (" + ip + ")";
        }
        return null;
    }

    private static String normalise(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
