/** Real Redis and Kafka servers as OS processes, for tests and the local stack. No Docker needed. */
package io.backupsuite.infra;
