package io.backupsuite.worker.restore;

import java.net.URI;
import java.nio.file.Path;

/** Where a restore writes: checked when the job is accepted, and again (file targets) right before writing. */
sealed interface RestoreTarget {

    /** How the status API names the target. */
    String describe();

    /** A PUT to an allow-listed HTTP(S) URL. */
    record Url(URI uri) implements RestoreTarget {
        @Override
        public String describe() {
            return uri.toString();
        }
    }

    /**
     * A file under the restore root.
     *
     * @param root the restore root, a real path (no symbolic links in it)
     * @param relative the path below the root, already checked to have no {@code ..} and not to be absolute
     * @param overwrite whether an existing file may be replaced
     */
    record File(Path root, Path relative, boolean overwrite) implements RestoreTarget {
        @Override
        public String describe() {
            return "file:" + relative;
        }
    }
}
