"""c2t-wizard: onboarding wizard for Call2Teams partners."""

__version__ = "0.1.0"
