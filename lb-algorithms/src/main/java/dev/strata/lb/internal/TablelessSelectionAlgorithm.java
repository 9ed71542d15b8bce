package dev.strata.lb.internal;

/**
 * A selection algorithm that needs no table of its own: its table is the snapshot's member array,
 * and {@link #pick} works on the members directly.
 */
public abstract class TablelessSelectionAlgorithm extends SelectionAlgorithm<Member[]> {

  /** Creates the algorithm in its environment. */
  protected TablelessSelectionAlgorithm(Environment environment) {
    super(environment);
  }

  /** Returns {@code members} itself: there is nothing to build. */
  @Override
  public final Member[] prepare(Member[] members) {
    return members;
  }
}
