package io.backupsuite.dispatcher.intake;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which source URLs a notification may name, so that workers never fetch from where an attacker
 * points them (SSRF). Only absolute http(s) URLs without user information, on an allow-listed host:
 * an exact name or IP, or a {@code *.domain} suffix. Link-local and cloud metadata addresses are
 * refused even when listed; loopback only passes through an exact entry.
 *
 * <p>This is a syntactic check: a listed name that resolves to a forbidden address is the
 * fetching worker's to refuse, at connect time.
 */
final class SourcePolicy {

    private static final int MAX_URL_LENGTH = 2048;
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("0x[0-9a-f]*|[0-9]+");
    private static final Set<String> METADATA_NAMES = Set.of(
            "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal");
    private static final Set<String> METADATA_IPS = Set.of(
            "100.100.100.200", // Alibaba Cloud
            "192.0.0.192", // Oracle Cloud
            "fd00:ec2:0:0:0:0:0:254"); // AWS over IPv6

    private final Set<String> exact = new HashSet<>();
    private final List<String> suffixes = new ArrayList<>();

    SourcePolicy(List<String> allowedHosts) {
        for (String entry : allowedHosts) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.startsWith("*.") && e.length() > 2) {
                suffixes.add(e.substring(1));
            } else if (!e.isEmpty()) {
                exact.add(normalise(e));
            }
        }
    }

    /** Why a URL is refused, or {@code null} when it may be fetched. */
    @Nullable String refusal(String url) {
        if (url.length() > MAX_URL_LENGTH) {
            return "must be at most " + MAX_URL_LENGTH + " characters";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            return "must be an absolute http or https URL";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not contain user information";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "must name a valid host";
        }
        String host = normalise(uri.getHost().toLowerCase(Locale.ROOT));
        String forbidden = forbiddenAddress(host);
        if (forbidden != null) {
            return forbidden;
        }
        if (isLoopback(host)) {
            return exact.contains(host) ? null : "points to a loopback address that is not explicitly allow-listed";
        }
        boolean allowed = exact.contains(host)
                || suffixes.stream().anyMatch(s -> host.endsWith(s) && host.length() > s.length());
        return allowed ? null : "host '" + host + "' is not in the allow-list";
    }

    private static @Nullable String forbiddenAddress(String host) {
        if (METADATA_NAMES.contains(host) || METADATA_IPS.contains(host)) {
            return "points to a cloud metadata address";
        }
        String[] labels = host.split("\\.");
        boolean numeric = labels.length > 0 && NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches();
        if (numeric && !DOTTED_QUAD.matcher(host).matches()) {
            // 2852039166, 0xa9fea9fe, 0251.0376.0251.0376: other spellings of an IPv4 address
            return "uses a non-canonical numeric host";
        }
        InetAddress ip = literal(host);
        if (ip == null) {
            return host.contains(":") || host.contains("%") ? "is not a valid URL" : null;
        }
        if (METADATA_IPS.contains(ip.getHostAddress())) {
            return "points to a cloud metadata address";
        }
        if (ip.isLinkLocalAddress()) {
            return "points to a link-local address (which includes cloud metadata services)";
        }
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
            return "points to an address that cannot be a source";
        }
        return null;
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        InetAddress ip = literal(host);
        return ip != null && ip.isLoopbackAddress();
    }

    /** The address of an IP literal, never resolving a name; {@code null} for names. */
    private static @Nullable InetAddress literal(String host) {
        boolean v4 = DOTTED_QUAD.matcher(host).matches();
        boolean v6 = host.contains(":") && !host.contains("%") && host.matches("[0-9a-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            InetAddress ip = InetAddress.getByName(host);
            return ip instanceof Inet4Address || ip instanceof Inet6Address ? ip : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Lowercase, without brackets or a trailing dot; IPv6 literals in one canonical spelling. */
    private static String normalise(String host) {
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.contains(":")) {
            InetAddress ip = literal(h);
            if (ip != null) {
                h = ip.getHostAddress();
            }
        }
        return h;
    }
}
