"""Combining parallel investigation paths (test-time scaling) into an honest confidence.

- ``cluster``: geodesic clustering of the paths' verdicts;
- ``verifier``: the evidence scorer and the model verifier that pick a path;
- ``confidence``: the final confidence and the calibration map;
- ``budgets``: caps across paths, and early stopping when the first paths agree.

``geosleuth.cases`` runs the paths (``cases.paths``) and concludes with these
(``cases.conclude``).
"""
