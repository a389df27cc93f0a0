"""Turn multi-agency safeguarding case audit returns into a board paper."""

__version__ = "0.1.0"
