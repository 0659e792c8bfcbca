"""A case from photo to folder: the one runner every front end starts cases through.

- ``wiring``: the installed tools, the tool cache, the gazetteer services, and each
  path's executor and recorder, seeded with the investigator's clues;
- ``paths``: K ≥ 1 paths of the loop in threads (one path is K = 1), sharing tool
  results (``shared``) and a total budget;
- ``conclude``: from the finished paths to one verdict (the verifier's choice, the
  final confidence and calibration);
- ``runner``: ``investigate_photo``, what ``locate``, ``batch`` and ``eval`` call;
- ``session``: the headless interactive case the TUI drives, step by step;
- ``record``, ``folder``, ``resume``: the case record (case.json), the case folder on
  disk, and a case read back from it.

``agent`` keeps the loop and its roles (reasoner, executor, recorder); nothing in it, in
``fusion`` or in ``paths`` imports this package.
"""
