"""``python -m c2t_wizard`` runs the wizard."""

from c2t_wizard.app import main

raise SystemExit(main())
