package dev.muster.deploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class SandboxFleetTest {

    @Test
    void aPathWithQuotesBackslashesAndHashesReadsBackAsWritten() {
        String path = "filesystem:/opt/my \"muster\"/C:\\sample #2/migrations";

        Object read = new Load(LoadSettings.builder().build())
                .loadFromString("locations: [" + SandboxFleet.yamlString(path) + "]");

        assertThat(read).isEqualTo(Map.of("locations", java.util.List.of(path)));
    }
}
