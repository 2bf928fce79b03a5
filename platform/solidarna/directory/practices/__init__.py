"""Good practices worth sharing, linked to the organizations behind them."""
