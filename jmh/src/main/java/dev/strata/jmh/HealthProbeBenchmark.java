package dev.strata.jmh;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import dev.strata.health.HealthCheckRegistration;
import dev.strata.health.HealthGroup;
import dev.strata.health.HealthRegistry;
import dev.strata.health.HealthReport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A readiness probe answered from the cache ({@code strataCachedProbe}: three checks, results
 * fresh, the path a probe flood takes) beside the raw floor ({@code rawCallChecks}: calling the
 * same three check lambdas directly on the caller's thread), and rendering the report as JSON.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HealthProbeBenchmark {

  private static final CheckResult DATABASE_UP = CheckResult.up(Map.of("database", "PostgreSQL"));
  private static final CheckResult REDIS_UP = CheckResult.up(Map.of("latencyMillis", 0.2));

  private final HealthCheck database = () -> DATABASE_UP;
  private final HealthCheck redis = () -> REDIS_UP;
  private final HealthCheck disk = CheckResult::up;
  private HealthRegistry registry;
  private HealthReport report;

  @Setup
  public void setUp() {
    registry = HealthRegistry.builder().defaultMinInterval(Duration.ofHours(1)).build();
    registry.register(
        HealthCheckRegistration.builder("database", database)
            .groups(HealthGroup.READINESS)
            .build());
    registry.register(
        HealthCheckRegistration.builder("redis", redis).groups(HealthGroup.READINESS).build());
    registry.register(
        HealthCheckRegistration.builder("disk", disk).groups(HealthGroup.READINESS).build());
    report = registry.check(HealthGroup.READINESS);
  }

  @TearDown
  public void tearDown() {
    registry.close();
  }

  @Benchmark
  public HealthReport strataCachedProbe() {
    return registry.check(HealthGroup.READINESS);
  }

  @Benchmark
  public Object rawCallChecks() throws Exception {
    CheckResult a = database.check();
    CheckResult b = redis.check();
    CheckResult c = disk.check();
    return a.status().worst(b.status()).worst(c.status());
  }

  @Benchmark
  public String strataRenderJson() {
    return report.toJson(true);
  }
}
