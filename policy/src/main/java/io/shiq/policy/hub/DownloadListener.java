package io.shiq.policy.hub;

/** Watches a {@link HubClient#pull}: the command line draws progress bars from it; tests record it. */
public interface DownloadListener {
  DownloadListener NONE = new DownloadListener() {};

  /** The revision was resolved to {@code commit}. */
  default void resolved(HubCache.ModelRef ref, String commit) {}

  /** A download starts; {@code resumedFrom} bytes are already on disk from an earlier, interrupted pull. */
  default void fileStarted(String file, long size, long resumedFrom) {}

  /** {@code bytes} of {@code file} are on disk (called often: throttle any drawing). */
  default void progress(String file, long bytes) {}

  /** {@code file} is in the snapshot, checked; {@code downloaded} is false when the cache already had it. */
  default void fileDone(String file, long size, boolean downloaded) {}
}
