"""``python -m infolens`` runs the command line (same as ``infolens``)."""

import sys

from .cli import main

sys.exit(main())
