package io.backupsuite.worker.limits;

/**
 * The limits in force, as {@code GET /api/v1/limits} shows them.
 *
 * @param bandwidthBytesPerSecond global bandwidth limit of all transfers together (0: none)
 * @param perHostConcurrency transfers allowed at once per source host:port
 * @param minFreeSpaceBytes free space the data directory keeps
 * @param freeSpaceBytes usable space of the data directory's filesystem now
 * @param reservedBytes space reserved by running transfers
 * @param acceptingWork whether the disk guard lets new transfers start
 */
record LimitsView(
        long bandwidthBytesPerSecond,
        int perHostConcurrency,
        long minFreeSpaceBytes,
        long freeSpaceBytes,
        long reservedBytes,
        boolean acceptingWork) {}
