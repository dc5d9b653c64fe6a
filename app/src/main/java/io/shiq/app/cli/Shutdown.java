package io.shiq.app.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C / SIGTERM handling of long-running commands. A command's hook asks it to stop and waits for it to finish
 * cleanly; {@link io.shiq.app.ShiqCommand#main} must then not call {@code System.exit}, which blocks for good once
 * the shutdown sequence has begun (and the hook would wait for a main thread that never ends).
 */
public final class Shutdown {
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private Shutdown() {}

  /** Whether the JVM's shutdown sequence has begun (a hook registered here ran). */
  public static boolean started() {
    return STARTED.get();
  }

  /** Registers {@code hook} to run on Ctrl-C / SIGTERM; returns the hook thread (to remove it later). */
  public static Thread onSignal(String name, Runnable hook) {
    Thread t = new Thread(() -> {
      STARTED.set(true);
      hook.run();
    }, name);
    Runtime.getRuntime().addShutdownHook(t);
    return t;
  }

  /** A hook that asks to stop, then waits up to {@code waitMillis} for {@code worker} to end. */
  public static Thread stopAndWait(String name, Runnable askToStop, Thread worker, long waitMillis) {
    return onSignal(name, () -> {
      askToStop.run();
      try {
        worker.join(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** Removes a hook after the command finished on its own (not while the JVM is shutting down). */
  public static void remove(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running: it waits for the command, which is returning now.
    }
  }
}
