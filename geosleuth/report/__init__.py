"""Outputs of a case for people: report.md (``markdown``) and hypotheses.geojson (``geojson``)."""
