"""Shared geographic services: distances, gazetteer, country facts, grids."""
