"""Learning from cases: rewards (``rewards``) and trajectories (``trajectories``, ``export``).

``geosleuth export`` turns case folders, batches and eval runs into training data; the
reward functions score an answer against the truth, for a trainer's reward callback.
Nothing here needs torch or a training library: those are the recipe's
(``examples/training/``, the ``geosleuth[training]`` extra).
"""
