"""The domain core: pure Python, no I/O, no framework.

Money is exact here: integer yen for every amount that moves, :class:`fractions.Fraction`
in between. Nothing in this package reads a file, a database or the clock.
"""
