package dev.strata.demo;

import dev.strata.demo.front.FrontEndpointView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * {@code --interactive}: prints the URLs and takes console commands until {@code quit} (or Ctrl-C,
 * which the caller's shutdown hook handles). Runs on the calling thread.
 */
final class InteractiveConsole {
  private final DemoCluster cluster;
  private final PrintStream out;

  InteractiveConsole(DemoCluster cluster, PrintStream out) {
    this.cluster = cluster;
    this.out = out;
  }

  /**
   * Reads commands from {@code in} until {@code quit}. When the input ends (no console), waits for
   * Ctrl-C instead.
   */
  void run(InputStream in) {
    int port = cluster.front().port();
    out.printf(
        "%nEverything is running. Open the status page through the front:%n  http://127.0.0.1:%d/%n"
            + "(log in there, then stop, kill and start instances from the page or from here)%n"
            + "Front status JSON: http://127.0.0.1:%d/_front/status%n",
        port, port);
    for (ServiceInstance instance : cluster.instances()) {
      out.printf("  %s directly: %s/%n", instance.id(), instance.baseUrl());
    }
    out.println("Commands: status | stop app-N | kill app-N | start app-N | quit");
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    try {
      String line;
      out.print("> ");
      out.flush();
      while ((line = reader.readLine()) != null) {
        if (!handle(line.trim())) {
          return;
        }
        out.print("> ");
        out.flush();
      }
    } catch (IOException e) {
      out.println("console closed: " + e.getMessage());
    }
    out.println("no console input; press Ctrl-C to stop everything");
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs one command; returns {@code false} for quit. */
  boolean handle(String line) {
    String[] words = line.split("\\s+");
    try {
      switch (words[0]) {
        case "" -> {
          // nothing
        }
        case "quit", "exit" -> {
          return false;
        }
        case "status" -> status();
        case "stop", "kill", "start" -> {
          if (words.length != 2) {
            out.println(words[0] + " needs an instance id, e.g. " + words[0] + " app-2");
          } else {
            cluster.instance(words[1]);
            switch (words[0]) {
              case "stop" -> cluster.stop(words[1]);
              case "kill" -> cluster.kill(words[1]);
              default -> cluster.start(words[1]);
            }
            out.println(words[0] + " " + words[1] + ": requested");
          }
        }
        default ->
            out.println("unknown command '" + words[0] + "'; try status, stop, kill, start, quit");
      }
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
    }
    return true;
  }

  private void status() {
    out.printf(
        "%-7s %6s %5s %8s %9s %9s %8s %8s%n",
        "id", "port", "up", "ejected", "draining", "inFlight", "served", "pid");
    for (FrontEndpointView v : cluster.front().endpoints()) {
      out.printf(
          "%-7s %6d %5s %8s %9s %9d %8d %8s%n",
          v.id(),
          v.port(),
          v.up(),
          v.ejected(),
          v.draining(),
          v.inFlight(),
          v.served(),
          cluster.instance(v.id()).pid().map(String::valueOf).orElse("-"));
    }
  }
}
