package io.backupsuite.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the console's features in their lanes: the role table at the bottom, the page and actions on top. */
@AnalyzeClasses(packages = "io.backupsuite.console", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule rolesKnowNothingOfWhoUsesThem = noClasses()
            .that().resideInAPackage("..console.roles..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "..console.nodes..", "..console.failover..", "..console.web..", "..console.dashboard..", "..console.audit..");

    @ArchTest
    static final ArchRule auditStandsAlone = noClasses()
            .that().resideInAPackage("..console.audit..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "..console.nodes..", "..console.roles..", "..console.failover..", "..console.web..", "..console.dashboard..");

    @ArchTest
    static final ArchRule onlyTheSessionFeatureKnowsSessions = noClasses()
            .that().resideOutsideOfPackage("..console.web..")
            .should().dependOnClassesThat().resideInAPackage("..console.web..");

    @ArchTest
    static final ArchRule redisStaysInTheStores = noClasses()
            .that().resideInAnyPackage("..console.dashboard..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework.data.redis..");
}
