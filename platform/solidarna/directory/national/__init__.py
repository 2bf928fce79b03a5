"""The national overview (/overview/): the opted-in spaces' public directory and figures."""
