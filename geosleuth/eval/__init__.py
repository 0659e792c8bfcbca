"""Evaluation against ground truth: datasets, metrics, plots, reports and run comparison.

- ``datasets``: the generic CSV/JSONL format of the design (image column plus lat/lon
  and/or country; other columns kept as labels) and ``load_dataset`` (any format);
- ``adapters``: the published metadata layouts of IM2GPS3K, YFCC4K, OSV-5M, MAPBench;
- ``metrics``: geodesic error, accuracy at the field's thresholds, GeoScore, country
  accuracy, calibration (ECE, reliability table), time and cost per photo;
- ``plots``: PNGs (error distribution, reliability diagram, world map of errors);
- ``report``: metrics.json, summary.md, per-photo rows; ``compare``: two runs side by side;
- ``runner``: ``evaluate``, a batch over the dataset's images followed by the scoring.
"""
