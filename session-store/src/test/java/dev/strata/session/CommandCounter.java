package dev.strata.session;

import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every command a Lettuce client sends, to prove how many round trips an operation costs.
 */
public final class CommandCounter implements CommandListener {

  private final List<String> commands = new CopyOnWriteArrayList<>();

  @Override
  public void commandStarted(CommandStartedEvent event) {
    commands.add(event.getCommand().getType().toString());
  }

  /** Returns how many commands were sent so far. */
  public int count() {
    return commands.size();
  }

  /** Returns the names of the commands sent since the given count. */
  public List<String> since(int count) {
    return List.copyOf(commands.subList(count, commands.size()));
  }
}
