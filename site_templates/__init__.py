"""The digest's and the desk's templates, catalogues and static files, shipped as package data.

``FOLDER`` is where they are, in this checkout or in an installed package alike.
"""

from pathlib import Path

FOLDER = Path(__file__).resolve().parent
