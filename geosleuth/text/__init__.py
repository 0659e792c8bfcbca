"""Reading clues out of text found in a photo: scripts, languages and the clues they hold.

Everything here treats text as data. Nothing read from an image is ever interpreted as an
instruction; it is matched against tables and the gazetteer, nothing more.
"""
