"""First-party clue tools, one folder each, loaded through the ``geosleuth.tools`` entry points."""
