"""Outputs of a case: case.json, report.md, hypotheses.geojson, written atomically."""
