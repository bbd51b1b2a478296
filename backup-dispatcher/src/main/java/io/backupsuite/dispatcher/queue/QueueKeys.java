package io.backupsuite.dispatcher.queue;

import java.util.List;

/**
 * Redis key names of one queue. Every key starts with the hash tag {@code {namespace}}, so all of
 * them live in one Redis Cluster slot and every script runs unchanged on a cluster. Per-task keys
 * are built inside the scripts from the prefixes passed as arguments; they share the tag, hence
 * the slot.
 */
record QueueKeys(
        String pending, String working, String delay, String dead, String finished, String taskPrefix, String errorsPrefix, String wake) {

    static QueueKeys of(String namespace) {
        String tag = "{" + namespace + "}:";
        return new QueueKeys(
                tag + "pending", tag + "working", tag + "delay", tag + "dead", tag + "finished", tag + "task:", tag + "errors:", tag + "wake");
    }

    /** The KEYS every script receives, in this order ({@code finished} counts attempts that left working with a result). */
    List<String> scriptKeys() {
        return List.of(pending, working, delay, dead, finished);
    }
}
