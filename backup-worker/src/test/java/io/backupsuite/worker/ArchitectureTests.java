package io.backupsuite.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the features of the worker in their lanes, so M1 and M2 can replace one without touching the others. */
@AnalyzeClasses(packages = "io.backupsuite.worker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule dataPathDoesNotReachUp = noClasses()
            .that().resideInAnyPackage("..worker.download..", "..worker.store..", "..worker.catalog..")
            .should().dependOnClassesThat().resideInAnyPackage("..worker.intake..", "..worker.report..", "..worker.restore..");

    @ArchTest
    static final ArchRule catalogStandsAlone = noClasses()
            .that().resideInAPackage("..worker.catalog..")
            .should().dependOnClassesThat().resideInAnyPackage("..worker.download..", "..worker.store..");

    @ArchTest
    static final ArchRule storeKnowsNothingOfTransfers = noClasses()
            .that().resideInAPackage("..worker.store..")
            .should().dependOnClassesThat().resideInAnyPackage("..worker.download..");

    @ArchTest
    static final ArchRule onlyIntakeAndReportTalkKafka = noClasses()
            .that().resideOutsideOfPackages("..worker.intake..", "..worker.report..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.springframework.kafka..");

    @ArchTest
    static final ArchRule wireRecordsStayAtTheEdges = noClasses()
            .that().resideInAnyPackage("..worker.download..", "..worker.store..", "..worker.catalog..", "..worker.restore..")
            .should().dependOnClassesThat().resideInAPackage("io.backupsuite.common.wire..");

    @ArchTest
    static final ArchRule onlyRestoreServesHttp = noClasses()
            .that().resideOutsideOfPackage("..worker.restore..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework.web.bind.annotation..");
}
