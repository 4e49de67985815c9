"""bunpai (分配): royalty distribution for music copyright collective management organizations."""

__version__ = "0.1.0"
