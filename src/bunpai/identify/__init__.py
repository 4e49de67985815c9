"""Identification of reported usage lines against the works database (楽曲の特定).

``normalise`` makes the keys (text and reading), ``engine`` holds the blocking index, the scores
and the decision per line. Pure Python with NumPy and RapidFuzz; no database, no files.
"""
