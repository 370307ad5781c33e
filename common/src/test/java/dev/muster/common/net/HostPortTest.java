package dev.muster.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

    @Test
    void parsesAHostAndAPort() {
        assertThat(HostPort.parse("global.example:7600")).isEqualTo(new HostPort("global.example", 7600));
        assertThat(HostPort.parse("0.0.0.0:0")).as("port 0 means any free port").isEqualTo(new HostPort("0.0.0.0", 0));
        assertThat(HostPort.parse("h:65535").port()).isEqualTo(65535);
    }

    @Test
    void parsesAnIpv6HostInBrackets() {
        HostPort parsed = HostPort.parse("[::1]:7600");

        assertThat(parsed).isEqualTo(new HostPort("::1", 7600));
        assertThat(parsed).hasToString("[::1]:7600");
    }

    @ParameterizedTest
    @CsvSource({"global.example:7600", "10.0.0.1:5432", "[fe80::1]:9610"})
    void printsWhatItParses(String text) {
        assertThat(HostPort.parse(text)).hasToString(text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            global.example      | is not of the form host:port
            :7600               | is not of the form host:port
            global.example:     | is not of the form host:port
            ::1:7600            | write an IPv6 host in brackets
            global.example:http | the port is not a number
            'global.example: 1' | the port is not a number
            h:65536             | the port must be between 0 and 65535, not 65536
            h:-1                | the port must be between 0 and 65535, not -1
            []:7600             | the host is empty
            ' :7600'            | the host is empty
            """)
    void refusesWithAMessageThatSaysWhatIsWrong(String text, String problem) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HostPort.parse(text))
                .withMessageContaining(problem);
    }

    @Test
    void theConstructorChecksTooSoEveryHostPortIsValid() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HostPort(null, 1))
                .withMessage("the host is empty");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HostPort("h", 70000))
                .withMessageContaining("between 0 and 65535");
    }
}
