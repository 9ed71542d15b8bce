package dev.strata.demo.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Writes a {@link DemoSummary} as JSON (the {@code --summary} file). Thread-safe. */
public final class SummaryJson {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private SummaryJson() {}

  /**
   * Returns the summary as a JSON document: every field of {@link DemoSummary} plus {@code passed}.
   * A ratio that is not a number ({@code NaN}) is written as {@code null}.
   *
   * @param summary the summary
   * @return the JSON text
   */
  public static String toJson(DemoSummary summary) {
    ObjectNode node = MAPPER.valueToTree(summary);
    node.put("passed", summary.passed());
    replaceNaN(node);
    return MAPPER.writeValueAsString(node);
  }

  /**
   * Writes the JSON document to a file, creating its parent directories.
   *
   * @param summary the summary
   * @param file the target; replaced when it exists
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void write(DemoSummary summary, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, toJson(summary), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the summary to " + file, e);
    }
  }

  private static void replaceNaN(tools.jackson.databind.JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String name : object.propertyNames()) {
        tools.jackson.databind.JsonNode child = object.get(name);
        if (child.isNumber() && Double.isNaN(child.asDouble())) {
          object.putNull(name);
        } else {
          replaceNaN(child);
        }
      }
    } else if (node.isArray()) {
      for (tools.jackson.databind.JsonNode child : node) {
        replaceNaN(child);
      }
    }
  }
}
