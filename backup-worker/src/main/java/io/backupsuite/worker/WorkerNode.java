package io.backupsuite.worker;

/**
 * Identity of this worker as other parts of the suite see it.
 *
 * @param nodeId unique node id ({@code backup.node.id}), recorded as the holder of the blobs it stores
 * @param group storage group ({@code backup.node.group})
 * @param address base URL where this worker's API answers
 */
public record WorkerNode(String nodeId, String group, String address) {}
