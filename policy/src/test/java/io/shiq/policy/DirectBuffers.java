package io.shiq.policy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** For the garbage-collection gradient tests of every module (see io.shiq.policy.model.Scalars). */
public final class DirectBuffers {
  private DirectBuffers() {}

  /**
   * Lets the JDK free the direct buffers nothing references, then takes their memory with fresh, zeroed ones; keep
   * the returned list reachable until the memory must stay taken.
   */
  public static List<ByteBuffer> freeUnreachable() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
    }
    List<ByteBuffer> taken = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      taken.add(ByteBuffer.allocateDirect(8));
    }
    return taken;
  }
}
