package io.netfabric.tools;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's table of what may import what, held on the compiled main code of every module on
 * this class path (tools depends on all of them). One package root per module:
 * {@code io.netfabric.<wire|core|qmp|hubport|socket|tap|l2tpv3|user|vde|vhost|nic|tools|testkit>}.
 */
class LayeringTest {
    private static final List<String> BACKENDS = List.of("hubport", "socket", "tap", "l2tpv3", "user", "vde", "vhost");
    private static JavaClasses main;

    // Modules whose issue has not landed yet hold no classes; their rules then check nothing.
    @BeforeAll
    static void importMainCode() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.netfabric");
    }

    private static String pkg(String module) {
        return "io.netfabric." + module + "..";
    }

    @Test
    void theWireLayerIsALeafOnNettyBuffers() {
        noClasses().that().resideInAPackage(pkg("wire"))
                .should().dependOnClassesThat().resideOutsideOfPackages(
                        pkg("wire"), "java..", "io.netty.buffer..", "io.netty.util..")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void theCoreKnowsNoBackendNorTheQmpServer() {
        noClasses().that().resideInAPackage(pkg("core"))
                .should().dependOnClassesThat().resideInAnyPackage(
                        pkg("qmp"), pkg("hubport"), pkg("socket"), pkg("tap"), pkg("l2tpv3"), pkg("user"), pkg("vde"), pkg("vhost"),
                        pkg("nic"), pkg("tools"), "com.fasterxml.jackson..")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void qmpAndNicModelsSitOnTheCoreOnly() {
        for (String m : List.of("qmp", "nic")) {
            noClasses().that().resideInAPackage(pkg(m))
                    .should().dependOnClassesThat().resideInAnyPackage(
                            pkg("hubport"), pkg("socket"), pkg("tap"), pkg("l2tpv3"), pkg("user"), pkg("vde"), pkg("vhost"), pkg("tools"),
                            m.equals("qmp") ? pkg("nic") : pkg("qmp"))
                    .allowEmptyShould(true)
                .check(main);
        }
    }

    @Test
    void aBackendNeverImportsAnotherBackendNorQmpNorJackson() {
        for (String b : BACKENDS) {
            String[] others = BACKENDS.stream().filter(o -> !o.equals(b)).map(LayeringTest::pkg)
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage(pkg(b))
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .orShould().dependOnClassesThat().resideInAnyPackage(
                            pkg("qmp"), pkg("nic"), pkg("tools"), "com.fasterxml.jackson..")
                    .allowEmptyShould(true)
                .check(main);
        }
    }

    @Test
    void nothingImportsTheLauncherOrTheTestKit() {
        noClasses().that().resideOutsideOfPackages(pkg("tools"), pkg("testkit"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("tools"), pkg("testkit"))
                .allowEmptyShould(true)
                .check(main);
    }
}
