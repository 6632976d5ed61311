"""Load benchmark of the running dashboard over HTTP: `python -m bench` (see __main__)."""
