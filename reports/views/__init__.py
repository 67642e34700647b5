"""The reports app's pages, one module per page family: the chair's dashboard
(dashboard.py), the scorecard (scorecard.py) and the annual report (annual.py)."""
