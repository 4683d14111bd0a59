package io.netfabric.wire;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** STYLE B2 for this module: a leaf over netty-buffer, with protocol packages that only share the root. */
class WireLayeringTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.netfabric.wire");

    @Test
    void dependsOnNettyBufferAndTheJdkOnly() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.netty.buffer..", "io.netty.util..", "io.netfabric.wire..")
                .check(MAIN);
    }

    @Test
    void rootPackageKnowsNoProtocol() {
        noClasses().that().resideInAPackage("io.netfabric.wire")
                .should().dependOnClassesThat().resideInAPackage("io.netfabric.wire.*..")
                .check(MAIN);
    }

    @Test
    void protocolPackagesDoNotImportEachOther() {
        slices().matching("io.netfabric.wire.(*)..").should().notDependOnEachOther().check(MAIN);
    }
}
