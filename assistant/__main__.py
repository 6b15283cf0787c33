"""`python -m assistant` runs the CLI."""

import sys

from assistant.cli.main import main

sys.exit(main())
