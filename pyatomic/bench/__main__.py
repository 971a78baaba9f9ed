"""Entry point of ``python -m pyatomic.bench``."""

import sys

from . import main

sys.exit(main())
