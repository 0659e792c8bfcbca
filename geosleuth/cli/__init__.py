"""Typer commands: thin front ends that consume the loop's event stream."""
