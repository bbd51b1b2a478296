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
    static final ArchRule onlyRestoreAndLimitsServeHttp = noClasses()
            .that().resideOutsideOfPackages("..worker.restore..", "..worker.limits..", "..worker.replication..", "..worker.roles..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework.web.bind.annotation..");

    /** Role management talks to the replicated catalog only through its seam, never to its internals. */
    @ArchTest
    static final ArchRule rolesUseOnlyTheReplicationSeam = noClasses()
            .that().resideInAPackage("..worker.roles..")
            .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                    "replication internals", c -> c.getPackageName().endsWith(".worker.replication")
                            && !c.getSimpleName().equals("ReplicationControl")));

    /** The replicated catalog's library (protocol, log, state) is reached only through the replication package. */
    @ArchTest
    static final ArchRule catalogLibraryStaysBehindReplication = noClasses()
            .that().resideOutsideOfPackage("..worker.replication..")
            .should().dependOnClassesThat().resideInAPackage("io.backupsuite.catalog..");
}
