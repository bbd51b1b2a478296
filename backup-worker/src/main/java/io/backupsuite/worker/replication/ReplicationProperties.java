package io.backupsuite.worker.replication;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the replicated catalog (M1) of this worker's storage group.
 *
 * @param members every member of the group with the address of its API, this worker included; empty
 *     means a group of one (this worker alone, no replication: its own fsync commits)
 * @param quorum standby ready answers a commit needs (the primary's own fsync counts in addition), so
 *     every committed write is on at least quorum + 1 members
 * @param initialRole {@code PRIMARY} bootstraps the group: with no primary heard within
 *     {@code startup-grace}, this member promotes itself to the next epoch; {@code STANDBY} waits to be
 *     told (promote operation, handover or the console)
 * @param startupGrace how long a member configured as initial primary listens for a primary before promoting itself
 * @param writeTimeout a catalog write not committed within this is rolled back (the task then retries)
 * @param standbyTimeout backup time threshold: an append to one standby that takes longer is abandoned for
 *     that standby, which catches up later
 * @param standbyRetries failed appends in a row after which the primary marks a standby unavailable
 * @param heartbeatInterval longest silence of the primary towards a standby (standbys detect a silent primary from it)
 * @param maxBatchEntries most entries in one append
 * @param window appends in flight per standby (pipelining) once a quarter of {@code maxBatchEntries} waits
 * @param segmentSize size of one log segment file
 * @param checkpointEntries applied entries between saves of the catalog state, after which old log segments are deleted
 * @param blobFetchTimeout how long a standby may take to fetch one missing blob from its holder
 * @param sourceCopyMinSize smallest object whose second copy the member that must hold it takes from the upload
 *     service while the downloading member fetches the first, instead of from that member afterwards; 0 turns
 *     this off
 * @param autoFailoverAfter when set, a standby that hears nothing from its primary for this long (plus one second
 *     per place in the member list) promotes itself; unset, failover waits for the console or an operator
 */
@Validated
@ConfigurationProperties("backup.worker.replication")
public record ReplicationProperties(
        @DefaultValue List<@Valid Member> members,
        @DefaultValue("1") @Min(0) @Max(16) int quorum,
        @DefaultValue("PRIMARY") @NotNull InitialRole initialRole,
        @DefaultValue("2s") @NotNull Duration startupGrace,
        @DefaultValue("5s") @NotNull Duration writeTimeout,
        @DefaultValue("1s") @NotNull Duration standbyTimeout,
        @DefaultValue("3") @Min(0) @Max(100) int standbyRetries,
        @DefaultValue("20ms") @NotNull Duration heartbeatInterval,
        @DefaultValue("2048") @Min(1) @Max(100_000) int maxBatchEntries,
        @DefaultValue("4") @Min(1) @Max(64) int window,
        @DefaultValue("64MB") @NotNull DataSize segmentSize,
        @DefaultValue("100000") @Min(1) long checkpointEntries,
        @DefaultValue("30s") @NotNull Duration blobFetchTimeout,
        @DefaultValue("64MB") @NotNull DataSize sourceCopyMinSize,
        @org.jspecify.annotations.Nullable Duration autoFailoverAfter) {

    public ReplicationProperties {
        members = List.copyOf(members);
        if (members.size() > 1) {
            members.stream().filter(m -> m.replication() == null).findFirst().ifPresent(m -> {
                throw new IllegalArgumentException("backup.worker.replication.members: member " + m.id()
                        + " has no replication address (host:port of its replication socket); every member of a group needs one");
            });
        }
        if (heartbeatInterval.toMillis() > 50) {
            throw new IllegalArgumentException("backup.worker.replication.heartbeat-interval must be at most 50ms so standbys notice a silent primary quickly");
        }
    }

    /** Whether a member acts at first as primary or waits as standby. */
    public enum InitialRole {
        PRIMARY,
        STANDBY
    }

    /**
     * One member of the storage group.
     *
     * @param id its node id ({@code backup.node.id})
     * @param address base URL of its API, e.g. {@code http://127.0.0.1:8092}
     * @param replication {@code host:port} where it serves the replication socket protocol, e.g. {@code 127.0.0.1:8192};
     *     required in a group of more than one
     */
    public record Member(@NotBlank String id, @NotNull URI address,
            @org.jspecify.annotations.Nullable @Pattern(regexp = "[A-Za-z0-9._\\-]+:[0-9]{1,5}", message = "must be host:port") String replication) {

        /** The replication address as a socket address (unresolved until used). */
        public InetSocketAddress replicationAddress() {
            if (replication == null) {
                throw new IllegalStateException("member " + id + " has no replication address");
            }
            int colon = replication.lastIndexOf(':');
            int port = Integer.parseInt(replication.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("replication port of member " + id + " is out of range: " + port);
            }
            return new InetSocketAddress(replication.substring(0, colon), port);
        }
    }

    /** Whether this is a group of more than one, whose members replicate to each other. */
    public boolean replicates() {
        return members.size() > 1;
    }
}
