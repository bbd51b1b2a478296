package io.backupsuite.worker.limits;

/** A slot or a reservation held by one transfer; closing it gives it back (closing twice is harmless). */
@FunctionalInterface
public interface Permit extends AutoCloseable {

    /** A permit that holds nothing. */
    Permit NONE = () -> {};

    @Override
    void close();
}
