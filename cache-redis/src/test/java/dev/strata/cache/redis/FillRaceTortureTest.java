package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testsupport.TestDatabases;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cross-node race of fills and invalidations ({@link FillRace}): {@value FillRace#READERS}
 * readers and {@value FillRace#WRITERS} writers, each a node with its own Redis client and cache,
 * over PostgreSQL (H2 where PostgreSQL is absent). Leased, version-checked fills land no stale
 * value; the naive plain-SET fill, run by the same harness, is caught landing some.
 *
 * <p>Each run lasts {@code strata.race.seconds} seconds (default 2; 20 for the long version).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FillRaceTortureTest {

  private static final Logger LOG = LoggerFactory.getLogger(FillRaceTortureTest.class);
  private static final Duration RUN = Duration.ofSeconds(Long.getLong("strata.race.seconds", 2));
  private static final int KEYS = 4;

  private final AtomicInteger runs = new AtomicInteger();
  private DataSource database;
  private String table;

  /** The Redis the nodes share. */
  protected abstract RedisDeployment deployment();

  @BeforeAll
  void createTable() throws Exception {
    database =
        TestDatabases.postgresAvailable()
            ? TestDatabases.postgresWithFreshSchema()
            : TestDatabases.h2(TestDatabases.uniqueName("race"));
    table = TestDatabases.uniqueName("race_item");
    new FillRace(null, database, table, KEYS).createTable();
    LOG.info(
        "fill race over {} on {}",
        TestDatabases.postgresAvailable() ? "PostgreSQL" : "H2",
        getClass().getSimpleName());
  }

  private FillRace.Result run(FillRace.Scheme scheme, boolean pause) throws Exception {
    FillRace race = new FillRace(deployment(), database, table, KEYS);
    FillRace.Result result = race.run(scheme, pause, RUN, "race" + runs.incrementAndGet());
    LOG.info("{} on {}", result, getClass().getSimpleName());
    return result;
  }

  @ParameterizedTest(name = "pause before fill: {0}")
  @ValueSource(booleans = {false, true})
  void leasedFillsLandNoStaleValueAndServeNoStaleRead(boolean pause) throws Exception {
    FillRace.Result result = run(FillRace.Scheme.LEASED, pause);

    assertThat(result.writes()).as("writes").isPositive();
    assertThat(result.reads()).as("reads").isPositive();
    assertThat(result.staleFills()).as("stale fills that landed: %s", result).isZero();
    assertThat(result.staleReads()).as("stale reads: %s", result).isZero();
    assertThat(result.staleAtQuiescence()).as("stale entries at quiescence").isZero();
    assertThat(result.hitRatio()).as("fills still land: %s", result).isPositive();
  }

  @Test
  void theSameRaceCatchesTheNaivePlainSetFill() throws Exception {
    FillRace.Result noPause = run(FillRace.Scheme.NAIVE, false);
    FillRace.Result pause = run(FillRace.Scheme.NAIVE, true);

    assertThat(pause.staleFills() + noPause.staleFills())
        .as("the harness sees stale fills land: %s / %s", noPause, pause)
        .isPositive();
  }
}
