package io.backupsuite.console.audit;

import org.jspecify.annotations.Nullable;

/**
 * One operator action: who did what to which target, when, and how it ended.
 *
 * @param at epoch millis (console clock)
 * @param who the credential's name (user or token name)
 * @param action e.g. {@code switchover}, {@code availability}, {@code retry}, {@code login}
 * @param target group, node or task the action was about
 * @param outcome {@code ok}, or the refusal or failure
 * @param detail extra facts (epoch, pause), may be {@code null}
 */
public record AuditEntry(long at, String who, String action, String target, String outcome, @Nullable String detail) {}
