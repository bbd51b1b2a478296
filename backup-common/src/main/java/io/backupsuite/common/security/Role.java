package io.backupsuite.common.security;

/** What a caller may do. Upload services are {@code UPLOADER}s, services talking to each other are {@code NODE}s. */
public enum Role {
    UPLOADER,
    NODE,
    VIEWER,
    OPERATOR
}
