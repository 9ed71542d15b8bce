package dev.strata.testsupport;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Finds the extension context whose store holds per-class resources. */
final class ExtensionContexts {
  private ExtensionContexts() {}

  /**
   * Returns the context of the outermost test class above {@code context} (the child of the engine
   * context), so that {@code @Nested} classes share their enclosing class's resources.
   */
  static ExtensionContext outermostClass(ExtensionContext context) {
    ExtensionContext current = context;
    while (true) {
      Optional<ExtensionContext> parent = current.getParent();
      if (parent.isEmpty() || parent.get().getParent().isEmpty()) {
        return current;
      }
      current = parent.get();
    }
  }
}
