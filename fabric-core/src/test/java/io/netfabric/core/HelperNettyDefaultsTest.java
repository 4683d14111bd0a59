package io.netfabric.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeakDetectionDefaultTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(LeakDetectionDefault.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(LeakDetectionDefault.PROPERTY);
        } else {
            System.setProperty(LeakDetectionDefault.PROPERTY, saved);
        }
    }

    @Test
    void turnsTheDetectorOffWhenNobodySaid() {
        System.clearProperty(LeakDetectionDefault.PROPERTY);
        LeakDetectionDefault.offUnlessSet();
        assertThat(System.getProperty(LeakDetectionDefault.PROPERTY)).isEqualTo("disabled");
    }

    @Test
    void keepsWhatTheUserSet() {
        System.setProperty(LeakDetectionDefault.PROPERTY, "simple");
        LeakDetectionDefault.offUnlessSet();
        assertThat(System.getProperty(LeakDetectionDefault.PROPERTY)).isEqualTo("simple");
    }
}
