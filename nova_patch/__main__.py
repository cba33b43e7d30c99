"""Entry point of ``python -m nova_patch``."""

import sys

from nova_patch import cli

sys.exit(cli.main())
