"""`python -m mocklambda serve ...`, the same as the `mocklambda` command."""
from __future__ import annotations

import sys

from mocklambda.cli import main

sys.exit(main())
