package dev.muster.common.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void padsColumnsToTheWidestCellWithoutTrailingSpaces() {
        String text = new TextTable("NAME", "STATE", "X")
                .add("region_1_subscription", "enabled", "")
                .add("r2", "disabled (not configured)", 7)
                .render();

        assertThat(text)
                .isEqualTo(String.join(
                        "\n",
                        "NAME                   STATE                      X",
                        "region_1_subscription  enabled",
                        "r2                     disabled (not configured)  7"));
    }

    @Test
    void refusesARowOfTheWrongWidth() {
        assertThatThrownBy(() -> new TextTable("A", "B").add("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
