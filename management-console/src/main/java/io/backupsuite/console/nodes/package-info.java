/**
 * Registry of every node: heartbeats in, the table of nodes out. State lives in Redis so that it
 * survives a console restart and several consoles can serve the same table.
 */
package io.backupsuite.console.nodes;
