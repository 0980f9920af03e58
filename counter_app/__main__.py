"""`python -m counter_app` is the same as the `counter-app` command."""

import sys

from counter_app.cli import main

sys.exit(main())
