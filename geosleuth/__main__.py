"""``python -m geosleuth`` runs the command line."""

from geosleuth.cli.app import main

main()
