package io.backupsuite.localstack.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTests {

    @Test
    void noHeaderOrOneWeDoNotServePartiallyMeansTheWholeFile() {
        for (String header : new String[] {null, "", "bytes=-", "bytes=1-2,5-6", "items=0-1", "bytes=5-2", "bytes=99999999999999999999-"}) {
            assertThat(ByteRange.parse(header, 100)).as(String.valueOf(header)).isInstanceOf(ByteRange.Whole.class);
        }
    }

    @Test
    void closedOpenAndSuffixRanges() {
        assertThat(ByteRange.parse("bytes=10-19", 100)).isEqualTo(new ByteRange.Partial(new ByteRange(10, 19)));
        assertThat(ByteRange.parse("bytes=90-200", 100)).isEqualTo(new ByteRange.Partial(new ByteRange(90, 99)));
        assertThat(ByteRange.parse("bytes=40-", 100)).isEqualTo(new ByteRange.Partial(new ByteRange(40, 99)));
        assertThat(ByteRange.parse("bytes=-30", 100)).isEqualTo(new ByteRange.Partial(new ByteRange(70, 99)));
        assertThat(ByteRange.parse("bytes=-300", 100)).isEqualTo(new ByteRange.Partial(new ByteRange(0, 99)));
        assertThat(new ByteRange(10, 19).contentRange(100)).isEqualTo("bytes 10-19/100");
        assertThat(new ByteRange(10, 19).length()).isEqualTo(10);
    }

    @Test
    void rangesBeyondTheEndAreUnsatisfiable() {
        assertThat(ByteRange.parse("bytes=100-", 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=150-160", 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=-0", 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=0-", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }
}
