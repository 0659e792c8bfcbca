"""Parallel investigation paths and a verifier (test-time scaling), with an honest confidence.

- ``runner``: K paths of the loop in threads, sharing tool results and a total budget;
- ``cluster``: geodesic clustering of their verdicts;
- ``verifier``: the evidence scorer and the model verifier that pick a path;
- ``confidence``: the final confidence and the calibration map;
- ``budgets``: caps across paths, and early stopping when the first paths agree;
- ``aggregate``: from finished paths to one verdict and the record's path entries.

``geosleuth.investigation.investigate_photo`` uses them when ``settings.paths`` > 1.
"""
