"""``python -m counter_client --config counter.toml``."""

import sys

from counter_client.app import main

sys.exit(main())
