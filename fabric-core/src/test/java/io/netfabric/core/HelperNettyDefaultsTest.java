package io.netfabric.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HelperNettyDefaultsTest {
    private static final String[] PROPERTIES = {HelperNettyDefaults.LEAK_PROPERTY, HelperNettyDefaults.JFR_PROPERTY};
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        for (String p : PROPERTIES) {
            saved.put(p, System.getProperty(p));
        }
    }

    @AfterEach
    void restore() {
        for (String p : PROPERTIES) {
            if (saved.get(p) == null) {
                System.clearProperty(p);
            } else {
                System.setProperty(p, saved.get(p));
            }
        }
    }

    @Test
    void turnsTheDetectorAndTheJfrEventsOffWhenNobodySaid() {
        for (String p : PROPERTIES) {
            System.clearProperty(p);
        }
        HelperNettyDefaults.apply();
        assertThat(System.getProperty(HelperNettyDefaults.LEAK_PROPERTY)).isEqualTo("disabled");
        assertThat(System.getProperty(HelperNettyDefaults.JFR_PROPERTY)).isEqualTo("false");
    }

    @Test
    void keepsWhatTheUserSet() {
        System.setProperty(HelperNettyDefaults.LEAK_PROPERTY, "simple");
        System.setProperty(HelperNettyDefaults.JFR_PROPERTY, "true");
        HelperNettyDefaults.apply();
        assertThat(System.getProperty(HelperNettyDefaults.LEAK_PROPERTY)).isEqualTo("simple");
        assertThat(System.getProperty(HelperNettyDefaults.JFR_PROPERTY)).isEqualTo("true");
    }
}
