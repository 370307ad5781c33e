package dev.muster.common.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "30s,   PT30S",
        "2m,    PT2M",
        "1h,    PT1H",
        "0s,    PT0S",
        "90m,   PT1H30M",
        "' 30s ', PT30S"
    })
    void readsDurationsAsPeopleWriteThem(String written, Duration expected) {
        assertThat(converter.convert(written)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2 minutes", "", "-1s", "30", "s", "1.5s", "30S", "PT30S", "1h30m"})
    void refusesAnythingElseWithAMessageThatShowsTheForm(String written) {
        assertThatThrownBy(() -> converter.convert(written))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + written + "' is not a duration such as 500ms, 30s, 2m or 1h");
    }
}
