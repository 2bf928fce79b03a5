"""The views of organizations, one module per blueprint."""
