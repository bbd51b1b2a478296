package io.backupsuite.worker.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Damage on cue for tests: one flipped bit inside the pack record that holds some content. */
public final class PackDamage {

    private PackDamage() {}

    /** Flips a bit of byte {@code at} of {@code content} where a pack under {@code dataDir} holds it. */
    public static void flipByteOf(Path dataDir, byte[] content, int at) throws IOException {
        List<Path> packs;
        try (Stream<Path> files = Files.list(dataDir.resolve("packs"))) {
            packs = files.filter(f -> f.getFileName().toString().endsWith(".dat")).sorted().toList();
        }
        for (Path pack : packs) {
            byte[] bytes = Files.readAllBytes(pack);
            for (int start = 0; start + content.length <= bytes.length; start++) {
                if (Arrays.equals(bytes, start, start + content.length, content, 0, content.length)) {
                    try (FileChannel channel = FileChannel.open(pack, StandardOpenOption.WRITE)) {
                        channel.write(ByteBuffer.wrap(new byte[] {(byte) (bytes[start + at] ^ 0x40)}), start + at);
                    }
                    return;
                }
            }
        }
        throw new AssertionError("no pack holds the content");
    }
}
