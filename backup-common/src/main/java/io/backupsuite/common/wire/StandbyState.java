package io.backupsuite.common.wire;

/**
 * How a standby looks from its primary.
 *
 * @param nodeId the standby's id
 * @param state {@code READY} (counts toward the quorum), {@code CATCHING_UP} or {@code UNAVAILABLE}
 * @param matchSeq highest sequence number the standby confirmed it holds
 * @param lag entries the standby is behind the primary's last sequence number
 */
public record StandbyState(String nodeId, String state, long matchSeq, long lag) {}
