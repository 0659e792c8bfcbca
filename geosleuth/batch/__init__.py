"""Running the locator over many photos: discovery, workers, and crash-safe summary files.

- ``discover``: the images under a folder (recursive, include and exclude globs);
- ``sources``: the photos of a list file, local paths and URIs read through fsspec;
- ``journal``: append-only line files that are flushed and fsynced line by line, and
  repaired (a torn last line dropped) when a killed run is resumed;
- ``summaries``: the summary files of a batch (results.jsonl, summary.csv,
  all.geojson, all.kml) and the row written for each photo;
- ``worker``: one photo from file to row (runs in a worker process or thread);
- ``runner``: ``run_batch``, the pool of workers, resume by sha256, Ctrl-C handling;
- ``ray_engine``: the same batch with its photos investigated on a Ray cluster;
- ``lock``: one batch at a time per output folder; ``own_cases``: the case folders a
  resumed batch may replace.
"""

from geosleuth.batch.discover import IMAGE_SUFFIXES, find_images
from geosleuth.batch.runner import BatchOutcome, BatchTask, run_batch

__all__ = ["IMAGE_SUFFIXES", "BatchOutcome", "BatchTask", "find_images", "run_batch"]
