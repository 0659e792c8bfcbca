"""A warm process for ``geosleuth locate``: ``geosleuth serve`` and the client in the CLI.

A fresh ``locate`` spends most of its time starting: imports, the OCR models, the language
models, the gazetteer, the country raster. ``geosleuth serve`` keeps worker processes that
have done all of that once (a warm-up investigation of a photo it draws itself) and are
waiting; ``geosleuth locate`` finds the server's socket, hands a worker its command line,
working folder, environment and terminal (the file descriptors of stdin, stdout and
stderr), and exits with the worker's exit code. The worker runs the same command as a
fresh process would, with the caller's settings, so the output is the same; it serves one
command and exits, and the supervisor starts a new worker in its place (no state is
carried from one investigation to the next, and nothing is forked from a process whose
libraries run threads: ONNX Runtime, OpenCV and lingua's thread pools do not survive
``fork``).

* ``address``: where the socket lives, the checks that it is the user's own, and the
  stamp of the code a worker runs (a server started before an update refuses to serve);
* ``protocol``: length-prefixed JSON messages over the Unix socket, with descriptors;
* ``client``: the CLI's side (``run_served``), a few milliseconds when no server runs;
* ``worker``: warm-up, then one command;
* ``supervisor``: the listening socket, the workers, ``--stop``.
"""
