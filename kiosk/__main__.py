"""``python -m kiosk --config kiosk.toml`` (the same as ``antre-kiosk``)."""

from kiosk.app import main

raise SystemExit(main())
