package dev.strata.demo;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The command-line options of the demo.
 *
 * @param summary where to write the JSON summary, or {@code null} for none
 * @param report where to write the HTML report
 * @param interactive leave everything running and take console commands instead of the scenario
 * @param users simulated users
 * @param quick the shortened scenario
 * @param help print the usage and exit
 */
record DemoOptions(
    @Nullable Path summary,
    Path report,
    boolean interactive,
    int users,
    boolean quick,
    boolean help) {

  static final String USAGE =
      """
      usage: java -jar demo/target/strata-demo.jar [options]
        --quick             the shortened scenario (about 35-50 s, what CI runs)
        --users N           simulated users (default 12, quick 8)
        --summary FILE      also write the summary as JSON to FILE
        --report FILE       write the HTML report to FILE (default strata-demo-report.html)
        --interactive       start everything, print the URLs and take console commands
                            (status, stop app-N, kill app-N, start app-N, quit) instead of the scenario
        --help              this text
      environment:
        STRATA_REDIS_URL    use this Redis (redis://[user:password@]host:port) instead of starting one
        STRATA_PG_URL       use this PostgreSQL (JDBC URL; STRATA_PG_USER, STRATA_PG_PASSWORD) instead of H2
      """;

  /**
   * Parses the arguments.
   *
   * @param args the command line
   * @return the options
   * @throws IllegalArgumentException naming the bad or unknown option
   */
  static DemoOptions parse(String... args) {
    Path summary = null;
    Path report = Path.of("strata-demo-report.html");
    boolean interactive = false;
    Integer users = null;
    boolean quick = false;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--summary" -> summary = Path.of(value(args, ++i, arg));
        case "--report" -> report = Path.of(value(args, ++i, arg));
        case "--interactive" -> interactive = true;
        case "--quick" -> quick = true;
        case "--help", "-h" -> help = true;
        case "--users" -> {
          String value = value(args, ++i, arg);
          try {
            users = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--users needs a whole number, got '" + value + "'");
          }
          if (users < 1 || users > 200) {
            throw new IllegalArgumentException("--users must be between 1 and 200, got " + users);
          }
        }
        default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
    }
    return new DemoOptions(
        summary, report, interactive, users != null ? users : quick ? 8 : 12, quick, help);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }
}
