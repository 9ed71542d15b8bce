package dev.strata.arch;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The packages of a set of classes and which use which: {@code P -> Q} when a class of {@code P}
 * depends on a class of {@code Q} (any ArchUnit dependency: a call, a field, a signature, a super
 * type, an annotation). Only packages under {@code dev.strata} are nodes. Finds the tangles: the
 * strongly connected components of two or more packages, i.e. the sets of packages that reach each
 * other through a cycle.
 */
final class PackageGraph {
  private static final int EXAMPLES_PER_EDGE = 2;

  /** from package -> to package -> a few "Origin uses Target" examples. */
  private final Map<String, Map<String, List<String>>> edges = new TreeMap<>();

  private PackageGraph() {}

  /**
   * Builds the graph of {@code classes}, leaving out the dependencies that {@code ignored} accepts.
   */
  static PackageGraph of(JavaClasses classes, Predicate<Dependency> ignored) {
    PackageGraph graph = new PackageGraph();
    for (JavaClass origin : classes) {
      String from = origin.getPackageName();
      if (!isStrata(from)) {
        continue;
      }
      graph.edges.computeIfAbsent(from, k -> new TreeMap<>());
      for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
        JavaClass target = dependency.getTargetClass().getBaseComponentType();
        String to = target.getPackageName();
        if (to.equals(from) || !isStrata(to) || ignored.test(dependency)) {
          continue;
        }
        List<String> examples = graph.edges.get(from).computeIfAbsent(to, k -> new ArrayList<>());
        String example = topLevelName(origin) + " uses " + topLevelName(target);
        if (examples.size() < EXAMPLES_PER_EDGE && !examples.contains(example)) {
          examples.add(example);
        }
      }
    }
    return graph;
  }

  /** The name of the top-level class that {@code javaClass} is or is nested in. */
  static String topLevelName(JavaClass javaClass) {
    String name = javaClass.getName();
    int nested = name.indexOf('$');
    return nested < 0 ? name : name.substring(0, nested);
  }

  private static boolean isStrata(String packageName) {
    return packageName.equals("dev.strata") || packageName.startsWith("dev.strata.");
  }

  /** The tangles (components of two or more packages), each sorted, in a stable order. */
  List<Tangle> tangles() {
    List<Tangle> tangles = new ArrayList<>();
    for (Set<String> component : new Tarjan().components()) {
      if (component.size() > 1) {
        tangles.add(new Tangle(new TreeSet<>(component), edgesWithin(component)));
      }
    }
    tangles.sort((a, b) -> a.packages().toString().compareTo(b.packages().toString()));
    return tangles;
  }

  private List<String> edgesWithin(Set<String> component) {
    List<String> within = new ArrayList<>();
    for (String from : new TreeSet<>(component)) {
      edges
          .getOrDefault(from, Map.of())
          .forEach(
              (to, examples) -> {
                if (component.contains(to)) {
                  within.add(from + " -> " + to + " (" + String.join(", ", examples) + ")");
                }
              });
    }
    return within;
  }

  /**
   * Packages that reach each other through a cycle.
   *
   * @param packages the packages, sorted
   * @param edges the dependencies between them, with examples
   */
  record Tangle(Set<String> packages, List<String> edges) {

    /**
     * Whether this is the one allowed shape: exactly a package {@code P} and its own {@code
     * P.internal}, such as a public factory in {@code P} that returns its {@code internal}
     * implementation of {@code P}'s interface.
     */
    boolean isPackageAndItsOwnInternal() {
      if (packages.size() != 2) {
        return false;
      }
      List<String> pair = new ArrayList<>(packages);
      return pair.get(1).equals(pair.get(0) + ".internal");
    }

    @Override
    public String toString() {
      return "packages " + packages + " form a cycle: " + String.join("; ", edges);
    }
  }

  /** Tarjan's strongly connected components, iterative so deep graphs cannot overflow. */
  private final class Tarjan {
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> lowLink = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new java.util.HashSet<>();
    private final List<Set<String>> components = new ArrayList<>();
    private int next;

    List<Set<String>> components() {
      Set<String> nodes = new TreeSet<>(edges.keySet());
      edges.values().forEach(targets -> nodes.addAll(targets.keySet()));
      for (String node : nodes) {
        if (!index.containsKey(node)) {
          visit(node);
        }
      }
      return components;
    }

    private void visit(String root) {
      Deque<Map.Entry<String, java.util.Iterator<String>>> work = new ArrayDeque<>();
      enter(root, work);
      while (!work.isEmpty()) {
        Map.Entry<String, java.util.Iterator<String>> frame = work.peek();
        String node = frame.getKey();
        if (frame.getValue().hasNext()) {
          String successor = frame.getValue().next();
          if (!index.containsKey(successor)) {
            enter(successor, work);
          } else if (onStack.contains(successor)) {
            lowLink.put(node, Math.min(lowLink.get(node), index.get(successor)));
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          String parent = work.peek().getKey();
          lowLink.put(parent, Math.min(lowLink.get(parent), lowLink.get(node)));
        }
        if (lowLink.get(node).equals(index.get(node))) {
          Set<String> component = new TreeSet<>();
          String member;
          do {
            member = stack.pop();
            onStack.remove(member);
            component.add(member);
          } while (!member.equals(node));
          components.add(component);
        }
      }
    }

    private void enter(String node, Deque<Map.Entry<String, java.util.Iterator<String>>> work) {
      index.put(node, next);
      lowLink.put(node, next);
      next++;
      stack.push(node);
      onStack.add(node);
      work.push(Map.entry(node, edges.getOrDefault(node, Map.of()).keySet().iterator()));
    }
  }
}
