"""Broadcast licences, fees and the quarterly broadcast distribution (放送等使用料), as pure rules.

Sections cited as "§N" are those of ``shared/domain/broadcast.md``; "contract step N" the steps of
the calculation in ``broadcast-files.md`` (docs/broadcast-files.md in this repository).
"""
