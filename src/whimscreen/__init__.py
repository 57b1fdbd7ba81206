"""WHIMscreen: genetic testing for WHIM syndrome (CXCR4)."""

__version__ = "0.1.0"
