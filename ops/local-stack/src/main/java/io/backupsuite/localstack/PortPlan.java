package io.backupsuite.localstack;

import io.backupsuite.infra.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ports of the services, chosen before any service starts so that each can be told the others'
 * addresses. A service port that was asked for and is taken is an error; Redis and Kafka move to a
 * free port instead, as CONTRACT.md allows (see {@link #infra}). Worker n's replication socket listens on
 * its API port + {@value #REPLICATION_OFFSET} (8191…8193 by default), or on a free port when that is taken.
 */
record PortPlan(int console, int dispatcher, List<Integer> workers, List<Integer> replication, int source) {

    static final int REPLICATION_OFFSET = 100;

    PortPlan {
        workers = List.copyOf(workers);
        replication = List.copyOf(replication);
    }

    /** Fails fast, before anything starts, when a service port that was asked for is taken. */
    static void checkRequested(StackOptions o) {
        choose(o, true);
    }

    /** Chooses the service ports; call after Redis and Kafka run, so a random pick cannot collide with theirs. */
    static PortPlan choose(StackOptions o) {
        return choose(o, false);
    }

    /** The port for an embedded Redis or Kafka: the preferred one unless taken. */
    static int infra(int preferred) {
        return preferred == 0 || !Ports.isFree(preferred) ? Ports.free() : preferred;
    }

    private static PortPlan choose(StackOptions o, boolean checkOnly) {
        Chooser chooser = new Chooser(checkOnly);
        int console = o.starts(PartKind.CONSOLE) ? chooser.service("console", o.consolePort(), "--console-port") : o.consolePort();
        int dispatcher = o.starts(PartKind.DISPATCHER) ? chooser.service("dispatcher", o.dispatcherPort(), "--dispatcher-port") : 0;
        List<Integer> workers = new ArrayList<>();
        for (int n = 1; n <= o.workers(); n++) {
            workers.add(o.starts(PartKind.WORKER) ? chooser.service("worker-" + n, o.workerPort(n), "--worker-ports") : 0);
        }
        int source = o.starts(PartKind.SOURCE) ? chooser.service("source", o.sourcePort(), "--source-port") : 0;
        List<Integer> replication = new ArrayList<>();
        for (int worker : workers) {
            replication.add(checkOnly || worker == 0 ? 0 : chooser.preferred(worker + REPLICATION_OFFSET));
        }
        return new PortPlan(console, dispatcher, workers, replication, source);
    }

    private static final class Chooser {
        private final boolean checkOnly;
        private final Set<Integer> taken = new HashSet<>();

        Chooser(boolean checkOnly) {
            this.checkOnly = checkOnly;
        }

        /** {@code port} when it is free and not given to another part yet, else any free port. */
        int preferred(int port) {
            if (port <= 65535 && !taken.contains(port) && Ports.isFree(port)) {
                taken.add(port);
                return port;
            }
            return service("replication listener", 0, "");
        }

        int service(String name, int port, String flag) {
            if (port == 0) {
                if (checkOnly) {
                    return 0;
                }
                int free;
                do {
                    free = Ports.free();
                } while (!taken.add(free));
                return free;
            }
            if (!taken.add(port)) {
                throw new IllegalStateException("port " + port + " is given to two parts; the " + name + " needs another (" + flag + ")");
            }
            if (!Ports.isFree(port)) {
                throw new IllegalStateException("port " + port + " of the " + name + " is taken; choose another with "
                        + flag + " or use --random-ports");
            }
            return port;
        }
    }
}
