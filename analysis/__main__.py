"""``python -m analysis`` runs the command line (see :mod:`analysis.app.cli`)."""
from .app.cli import main

raise SystemExit(main())
