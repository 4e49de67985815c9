"""Broadcast licences, fees, invoices, payments and distribution runs as records (a Django app).

The calculation itself stays in ``bunpai.core.broadcast`` / ``bunpai.engine.broadcast``: this app
keeps what the society must remember — licensees and stations, the yearly blanket fee and its
instalments, payments received, and each quarter's run with its inputs, status and result.
"""
