"""The widgets of the investigation screen: photo, steps log, evidence, hypotheses, map, status."""
